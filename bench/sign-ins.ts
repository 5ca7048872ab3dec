import type { AppClient, Tokens } from '../sandbox/clients/app-client';
import type { Sandbox } from '../sandbox';
import { within } from './concurrency';
import { BENCH_PASSWORD, newAppClient } from './fixture';

/** The SDK's Node HTTP handler keeps 50 sockets per client; more requests would queue in its agent. */
export const SOCKETS_PER_CLIENT = 50;

/** One app client per 50 sign-ins in flight, so each has its own socket instead of queueing in the SDK's agent. */
export function signInClients(sandbox: Sandbox, concurrency: number): AppClient[] {
  return Array.from({ length: Math.ceil(concurrency / SOCKETS_PER_CLIENT) }, () => newAppClient(sandbox));
}

/** How the sign-ins were fired, for the report. */
export function firingLabel(users: number, concurrency: number, clients: number): string {
  const firing = concurrency >= users ? `all ${users} at once` : `${concurrency} in flight at a time`;
  return `${firing} (${clients} SDK client${clients === 1 ? '' : 's'} × ${SOCKETS_PER_CLIENT} sockets)`;
}

export type TimedSignIn = { readonly ms: number } & ({ readonly tokens: Tokens } | { readonly error: Error });

/**
 * One password sign-in (InitiateAuth, which runs the post-authentication trigger inside it),
 * timed from request to answer, tokens or error alike: what the user waited.
 */
export async function timedSignIn(client: AppClient, username: string, limitMs: number): Promise<TimedSignIn> {
  const started = performance.now();
  try {
    const tokens = await within(client.signIn(username, BENCH_PASSWORD), limitMs, `sign-in of ${username}`);
    return { ms: performance.now() - started, tokens };
  } catch (error) {
    return { ms: performance.now() - started, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

import { IoTClient } from '@aws-sdk/client-iot';
import type { AppClient } from '../sandbox/clients/app-client';
import { SANDBOX_REGION } from '../sandbox/wire/account';
import { failureSummary, mapLimit } from './concurrency';
import { closeAppClient, progress, startBenchSandbox, type BenchSandbox } from './fixture';
import { functionPool, type FunctionPool, type FunctionPoolStats } from './lambda-environments';
import { peerTrigger, type PeerErrorHandling } from './peer-trigger';
import { usersHoldingPolicy } from './policy-holders';
import { firingLabel, signInClients, timedSignIn, type TimedSignIn } from './sign-ins';
import { distribution, type Distribution } from './stats';

/** Lambda's default function timeout, what a function created without one gets (configuration-timeout page). */
export const LAMBDA_DEFAULT_TIMEOUT_MS = 3_000;
/**
 * Cognito waits 5 s per trigger attempt and makes 3 attempts ("Things to know about Lambda
 * triggers", https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html#important-lambda-considerations;
 * the sandbox enforces it, services/cognito-idp/triggers.ts): no sign-in waits longer than this.
 */
const SIGN_IN_LIMIT_MS = 3 * 5_000 + 5_000;

export interface PeersOptions {
  readonly users: number;
  /** AttachPolicy throttle (calls per second), as in the storm. */
  readonly tps: number;
  /** Sign-ins in flight at once, as in the storm. */
  readonly concurrency: number;
  /** Default `throw`: the article's code has no error handling. */
  readonly onError?: PeerErrorHandling;
  /** The peer function's timeout. Default 3 s (Lambda's default). */
  readonly functionTimeoutMs?: number;
}

export interface PeersFigures {
  readonly users: number;
  readonly tps: number;
  readonly firing: string;
  readonly onError: PeerErrorHandling;
  /** The retry settings the peer's IoT client resolved (the SDK's defaults: nothing is passed). */
  readonly retry: string;
  readonly functionTimeoutMs: number;
  /** Request to answer of every sign-in, answered or failed: what each user waited. */
  readonly signInLatencyMs: Distribution;
  /** First sign-in sent to the last answered. */
  readonly signInsMs: number;
  readonly signInFailures: number;
  readonly failureMessages: readonly string[];
  /** Users whose identity holds no IoT policy once every trigger invocation has ended (IoT's state). */
  readonly withoutPolicy: number;
  /** Of those, users whose sign-in succeeded all the same. */
  readonly withoutPolicySignedIn: number;
  readonly attachPolicy: { readonly calls: number; readonly throttled: number; readonly callsPerUser: number };
  readonly trigger: Readonly<FunctionPoolStats>;
  /** Sandbox start and user creation, before the timed sign-ins (part of the phase's time). */
  readonly setupMs: number;
  /** Sandbox start to figures. */
  readonly phaseMs: number;
}

/**
 * The storm's N sign-ins against the peers' pattern: the sandbox's Cognito invokes a trigger that
 * calls AttachPolicy itself with the SDK's default retries, while AttachPolicy is throttled at Q
 * TPS. Measures what users see (sign-in latency, failed sign-ins) and what IoT holds afterwards.
 */
export async function benchPeers(options: PeersOptions): Promise<PeersFigures> {
  const phaseStarted = performance.now();
  const { users, tps } = options;
  const concurrency = Math.min(users, options.concurrency);
  const onError = options.onError ?? 'throw';
  const functionTimeoutMs = options.functionTimeoutMs ?? LAMBDA_DEFAULT_TIMEOUT_MS;
  const fixture = await startBenchSandbox();
  const { sandbox } = fixture;
  const clients = signInClients(sandbox, concurrency);
  const pool = peerFunction(fixture, onError, functionTimeoutMs);
  try {
    progress(`peers: creating ${users} users (20 at a time)`);
    const names = await fixture.createUsers(users, 20, 'peers');
    const setupMs = performance.now() - phaseStarted;
    // The product's trigger is replaced: Cognito now runs the peers' trigger inside each sign-in.
    sandbox.services.idp.setPostAuthenticationTrigger((event) => pool.invoke(event));
    sandbox.faults.set('iot:AttachPolicy', { throttleTps: tps });
    sandbox.faults.resetStats();
    progress(`peers: ${users} sign-ins, ${concurrency} in flight, AttachPolicy in the trigger (SDK default retries, on error: ${onError}) throttled at ${tps} TPS`);
    const started = performance.now();
    const signIns = await fireSignIns(clients, names, concurrency);
    const signInsMs = performance.now() - started;
    // Triggers whose sign-in already failed may still be running: count once they have all ended.
    await pool.settled();
    const holders = await usersHoldingPolicy(sandbox, names);
    const attach = sandbox.faults.stats('iot:AttachPolicy');
    const failed = signIns.flatMap((s) => ('error' in s ? [s.error] : []));
    const withoutPolicy = names.filter((name) => !holders.has(name));
    const signedIn = new Set(names.filter((_, i) => 'tokens' in (signIns[i] as TimedSignIn)));
    progress(`peers: ${withoutPolicy.length}/${users} users left without the policy, ${failed.length} sign-ins failed`);
    return {
      users,
      tps,
      firing: firingLabel(users, concurrency, clients.length),
      onError,
      retry: await defaultRetrySettings(),
      functionTimeoutMs,
      signInLatencyMs: distribution(signIns.map((s) => s.ms)),
      signInsMs,
      signInFailures: failed.length,
      failureMessages: failureSummary(failed),
      withoutPolicy: withoutPolicy.length,
      withoutPolicySignedIn: withoutPolicy.filter((name) => signedIn.has(name)).length,
      attachPolicy: { calls: attach.calls, throttled: attach.throttled, callsPerUser: attach.calls / users },
      trigger: { ...pool.stats },
      setupMs,
      phaseMs: performance.now() - phaseStarted,
    };
  } finally {
    pool.close();
    for (const client of clients) closeAppClient(client);
    await fixture.close();
  }
}

function peerFunction(fixture: BenchSandbox, onError: PeerErrorHandling, timeoutMs: number): FunctionPool {
  const { sandbox } = fixture;
  const config = {
    identityPoolId: sandbox.identityPoolId,
    developerProviderName: sandbox.developerProviderName,
    policyName: sandbox.policyName,
    endpoints: { iot: sandbox.endpoints.iotControlPlane, cognitoIdentity: sandbox.endpoints.cognitoIdentity },
    onError,
  };
  return functionPool((env) => peerTrigger(config, env), { timeoutMs });
}

/** Fires the sign-ins exactly as the storm does: `concurrency` in flight, spread over the clients. */
async function fireSignIns(clients: readonly AppClient[], names: readonly string[], concurrency: number): Promise<TimedSignIn[]> {
  const results = await mapLimit(names, concurrency, (username, i) => timedSignIn(clients[i % clients.length] as AppClient, username, SIGN_IN_LIMIT_MS));
  // timedSignIn never rejects: a failure is a result with its error.
  return results.map((r) => (r.status === 'fulfilled' ? r.value : { ms: Number.NaN, error: r.reason as Error }));
}

/** What an IoT client given no retry settings resolves to in this process (mode, attempts). */
async function defaultRetrySettings(): Promise<string> {
  const client = new IoTClient({ region: SANDBOX_REGION });
  try {
    const strategy = (await client.config.retryStrategy()) as { mode?: string };
    return `${strategy.mode ?? 'unknown'} mode, ${await client.config.maxAttempts()} attempts`;
  } finally {
    client.destroy();
  }
}

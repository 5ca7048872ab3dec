import type { IncomingMessage } from 'node:http';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { SANDBOX_REGION } from '../../wire/account';
import { AwsServiceError } from '../../wire/http';
import type { PoolRecord, UserRecord } from './state';

export type PostAuthenticationTrigger = (event: PostAuthenticationTriggerEvent) => Promise<unknown>;

/** Cognito's per-attempt limit for a Lambda trigger; it retries a timed-out call, 3 attempts in all. */
export const TRIGGER_TIMEOUT_MS = 5_000;
const TRIGGER_ATTEMPTS = 3;

/** The pool's Lambda triggers; replaceable while the service runs. */
export interface TriggerSettings {
  postAuthentication?: PostAuthenticationTrigger;
  timeoutMs: number;
}

export function awsSdkVersion(req: IncomingMessage): string {
  const ua = req.headers['x-amz-user-agent'] ?? req.headers['user-agent'];
  const match = /aws-sdk-(\w+)\/([\d.]+)/.exec(Array.isArray(ua) ? ua.join(' ') : (ua ?? ''));
  return match ? `aws-sdk-${match[1]}-${match[2]}` : 'aws-sdk-unknown-unknown';
}

function postAuthenticationEvent(p: PoolRecord, user: UserRecord, clientId: string, sdkVersion: string, clientMetadata?: Record<string, string>): PostAuthenticationTriggerEvent {
  const userAttributes: Record<string, string> = { ...Object.fromEntries(user.attributes), 'cognito:user_status': user.status };
  return {
    version: '1',
    region: SANDBOX_REGION,
    userPoolId: p.id,
    userName: user.username,
    callerContext: { awsSdkVersion: sdkVersion, clientId },
    triggerSource: 'PostAuthentication_Authentication',
    request: { userAttributes, newDeviceUsed: false, ...(clientMetadata ? { clientMetadata } : {}) },
    response: {},
  };
}

type AttemptOutcome = { kind: 'ok' } | { kind: 'timeout' } | { kind: 'error'; error: unknown };

async function attempt(fn: PostAuthenticationTrigger, event: PostAuthenticationTriggerEvent, timeoutMs: number): Promise<AttemptOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<AttemptOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  // Settles either way, so a call that fails after its attempt timed out is not an unhandled rejection.
  const invocation = Promise.resolve()
    .then(() => fn(structuredClone(event)))
    .then(
      (): AttemptOutcome => ({ kind: 'ok' }),
      (error: unknown): AttemptOutcome => ({ kind: 'error', error }),
    );
  return Promise.race([invocation, timedOut]).finally(() => clearTimeout(timer));
}

/**
 * Invokes the post-authentication trigger with the event Cognito sends. A thrown error fails the
 * sign-in (UserLambdaValidationException); a call that outlasts the 5 s limit is retried, and
 * after 3 attempts the sign-in fails the same way.
 */
export async function runPostAuthentication(
  settings: TriggerSettings,
  target: { pool: PoolRecord; user: UserRecord; clientId: string; req: IncomingMessage; clientMetadata?: Record<string, string> | undefined },
): Promise<void> {
  const fn = settings.postAuthentication;
  if (!fn) return;
  const event = postAuthenticationEvent(target.pool, target.user, target.clientId, awsSdkVersion(target.req), target.clientMetadata);
  const timeoutMs = settings.timeoutMs;
  for (let n = 1; ; n++) {
    const outcome = await attempt(fn, event, timeoutMs);
    if (outcome.kind === 'ok') return;
    if (outcome.kind === 'error') {
      const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      throw new AwsServiceError(400, 'UserLambdaValidationException', `PostAuthentication failed with error ${message}.`);
    }
    if (n >= TRIGGER_ATTEMPTS) {
      throw new AwsServiceError(400, 'UserLambdaValidationException', `PostAuthentication failed with error Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds.`);
    }
  }
}

import { callsBetween, snapshotCalls, totalCalls, type CallCounts } from './aws-calls';
import { countCalls, type CallCounter } from './call-counter';
import { failureSummary, fulfilled, mapLimit, rejected, within } from './concurrency';
import { awaitMessage, BENCH_PASSWORD, progress, startBenchSandbox, type BenchSandbox } from './fixture';
import type { Tokens } from '../sandbox/clients/app-client';
import { distribution, type Distribution } from './stats';

export interface OnboardingOptions {
  readonly users: number;
  /** Users in flight at once (sign-in to welcome). */
  readonly concurrency: number;
  /** Users of the separate pass that counts the workflow's AWS calls. */
  readonly costUsers: number;
}

export interface OnboardingFigures {
  readonly users: number;
  readonly concurrency: number;
  readonly failures: number;
  readonly failureMessages: readonly string[];
  /** Sign-in to the welcome shadow received by the user's MQTT client. */
  readonly latencyMs: Distribution;
  /** Where the time goes: medians of each step. */
  readonly stepsMs: { readonly signIn: Distribution; readonly workflow: Distribution; readonly credentials: Distribution; readonly mqtt: Distribution };
  readonly transitionsPerOnboarding: number;
  /** Calls the onboarding execution makes (the sign-in's InitiateAuth and the trigger's states:* calls excluded). */
  readonly awsCallsPerOnboarding: number;
  /** The same, per operation, per onboarding. */
  readonly workflowCallsPerOnboarding: CallCounts;
  /** The trigger's Step Functions calls per onboarding (StartExecution). */
  readonly triggerCallsPerOnboarding: number;
  /** List price, us-east-1, Standard workflows: $0.025 per 1,000 state transitions. */
  readonly stepFunctionsCostPerMillionUsd: number;
  /** Every counted call per user, per operation, for each way a user starts or renews a session (the capacity model's input). */
  readonly sessionCalls: SessionCalls;
}

/** Calls per user, per operation (bench/call-counter.ts: API operations and what AWS meters without one). */
export interface SessionCalls {
  /** A new user, sign-in to the welcome on MQTT: sign-in, trigger, workflow, GET /iot/credentials, GetCredentialsForIdentity, MQTT. */
  readonly newUser: CallCounts;
  /** An onboarded user whose trust and credentials no API instance holds: sign-in, GET /iot/credentials, GetCredentialsForIdentity, MQTT connect. */
  readonly returningUser: CallCounts;
  /** The hourly renewal, first half: REFRESH_TOKEN_AUTH. */
  readonly tokenRefresh: CallCounts;
  /** The hourly renewal, second half: GET /iot/credentials, GetCredentialsForIdentity, a new SigV4 MQTT connection. */
  readonly reconnect: CallCounts;
  readonly users: { readonly new: number; readonly returning: number; readonly renewing: number };
}

/** Standard workflows, us-east-1 list price: $0.025 per 1,000 state transitions (first 4,000/month free, ignored). */
export const USD_PER_TRANSITION = 0.025 / 1_000;
const EXECUTION_TIMEOUT_MS = 60_000;
const WELCOME_TIMEOUT_MS = 10_000;

/** The calls a sign-in makes by itself, not the workflow: the InitiateAuth and the trigger's. */
const isSignInCall = (op: string) => op === 'cognito-idp:InitiateAuth' || op.startsWith('states:');

/** One user from sign-in to the welcome on their MQTT client, step by step (ms). */
async function onboardOne(fixture: BenchSandbox, username: string) {
  const { app, sandbox } = fixture;
  const t0 = performance.now();
  const tokens = await app.signIn(username, BENCH_PASSWORD);
  const t1 = performance.now();
  const status = await within(sandbox.services.sfn.waitForExecution(fixture.executionArnOf(tokens)), EXECUTION_TIMEOUT_MS, `onboarding of ${username}`);
  if (status !== 'SUCCEEDED') throw new Error(`onboarding of ${username} ended ${status}`);
  const t2 = performance.now();
  // The first sign-in's token is enough: the API reads the onboarding from AdminGetUser.
  const access = await app.iotAccess(tokens.idToken);
  const credentials = await app.credentials(access);
  const t3 = performance.now();
  const mqtt = await app.connectMqtt(access, credentials);
  try {
    const shadow = `$aws/things/${access.identityId}/shadow`;
    await mqtt.subscribeAsync(`${shadow}/get/accepted`, { qos: 1 });
    const welcome = awaitMessage(
      mqtt,
      `${shadow}/get/accepted`,
      (doc) => (doc.state as { reported?: { welcome?: unknown } } | undefined)?.reported?.welcome !== undefined,
      WELCOME_TIMEOUT_MS,
    );
    await mqtt.publishAsync(`${shadow}/get`, '{}', { qos: 1 });
    await welcome;
  } finally {
    await mqtt.endAsync(true).catch(() => undefined);
  }
  const t4 = performance.now();
  return { total: t4 - t0, signIn: t1 - t0, workflow: t2 - t1, credentials: t3 - t2, mqtt: t4 - t3 };
}

/** What an app does after sign-in: GET /iot/credentials, GetCredentialsForIdentity, an MQTT connection over WebSocket (SigV4), closed again. */
async function startSession(fixture: BenchSandbox, idToken: string): Promise<void> {
  const access = await fixture.app.iotAccess(idToken);
  const mqtt = await fixture.app.connectMqtt(access, await fixture.app.credentials(access));
  await mqtt.endAsync(true);
}

/**
 * Per-user calls of a returning sign-in (the first half of `onboarded`) and of the hourly renewal
 * (the other half: REFRESH_TOKEN_AUTH, then a new session). None of these users has called the
 * API yet, so no instance holds their trust decision or credentials: a user back after hours.
 */
async function sessionCalls(fixture: BenchSandbox, counter: CallCounter, onboarded: ReadonlyArray<{ username: string; tokens: Tokens }>, concurrency: number) {
  const half = Math.floor(onboarded.length / 2);
  let before = counter.snapshot();
  const returned = await mapLimit(onboarded.slice(0, half), concurrency, async ({ username }) => startSession(fixture, (await fixture.app.signIn(username, BENCH_PASSWORD)).idToken));
  const returningUser = counter.between(before, fulfilled(returned).length);
  before = counter.snapshot();
  const refreshed = await mapLimit(onboarded.slice(half), concurrency, ({ username, tokens }) => fixture.app.refresh(username, tokens.refreshToken ?? ''));
  const tokenRefresh = counter.between(before, fulfilled(refreshed).length);
  before = counter.snapshot();
  const renewed = await mapLimit(fulfilled(refreshed), concurrency, (tokens) => startSession(fixture, tokens.idToken));
  const reconnect = counter.between(before, fulfilled(renewed).length);
  return {
    calls: { returningUser, tokenRefresh, reconnect },
    users: { returning: fulfilled(returned).length, renewing: fulfilled(renewed).length },
    failures: [...rejected(returned), ...rejected(refreshed), ...rejected(renewed)],
  };
}

/**
 * Onboarding latency as a user sees it, with `concurrency` users at a time and no throttling;
 * then a separate pass of sign-ins alone counts what each onboarding execution costs. Every
 * counted call per user (new, returning, hourly renewal) feeds the capacity model (bench/capacity.ts).
 */
export async function benchOnboarding(options: OnboardingOptions): Promise<OnboardingFigures> {
  const fixture = await startBenchSandbox();
  const { sandbox } = fixture;
  try {
    progress(`onboarding: creating ${options.users + options.costUsers} users (not timed)`);
    const timedUsers = await fixture.createUsers(options.users, 20, 'onboard');
    const costUsers = await fixture.createUsers(options.costUsers, 20, 'cost');

    progress(`onboarding: ${options.users} users, sign-in to welcome, ${options.concurrency} at a time`);
    const counter = countCalls(sandbox);
    const newUsersBefore = counter.snapshot();
    const transitionsBefore = sandbox.services.sfn.stats.transitions;
    const results = await mapLimit(timedUsers, options.concurrency, (username) => onboardOne(fixture, username));
    const transitions = sandbox.services.sfn.stats.transitions - transitionsBefore;
    const runs = fulfilled(results);
    const newUser = counter.between(newUsersBefore, runs.length);

    // Sign-ins alone (no API, no MQTT), so every counted call is the sign-in's or the workflow's.
    progress(`onboarding: counting AWS calls over ${options.costUsers} sign-ins without the client part`);
    const before = snapshotCalls(sandbox.faults);
    const cost = await mapLimit(costUsers, options.concurrency, async (username) => {
      const tokens = await fixture.app.signIn(username, BENCH_PASSWORD);
      const status = await within(sandbox.services.sfn.waitForExecution(fixture.executionArnOf(tokens)), EXECUTION_TIMEOUT_MS, `onboarding of ${username}`);
      if (status !== 'SUCCEEDED') throw new Error(`onboarding of ${username} ended ${status}`);
      return { username, tokens };
    });
    const calls = callsBetween(before, snapshotCalls(sandbox.faults));
    const onboarded = fulfilled(cost).length;
    const workflowCalls = Object.fromEntries(Object.entries(calls).filter(([op]) => !isSignInCall(op)));
    progress(`onboarding: counting the calls of returning sign-ins and hourly renewals of the ${onboarded} users just onboarded`);
    const sessions = await sessionCalls(fixture, counter, fulfilled(cost), options.concurrency);
    counter.stop();
    const failures = [...rejected(results), ...rejected(cost), ...sessions.failures];

    const transitionsPerOnboarding = runs.length > 0 ? transitions / runs.length : Number.NaN;
    return {
      users: options.users,
      concurrency: options.concurrency,
      failures: failures.length,
      failureMessages: failureSummary(failures),
      latencyMs: distribution(runs.map((r) => r.total)),
      stepsMs: {
        signIn: distribution(runs.map((r) => r.signIn)),
        workflow: distribution(runs.map((r) => r.workflow)),
        credentials: distribution(runs.map((r) => r.credentials)),
        mqtt: distribution(runs.map((r) => r.mqtt)),
      },
      transitionsPerOnboarding,
      awsCallsPerOnboarding: onboarded > 0 ? totalCalls(workflowCalls) / onboarded : Number.NaN,
      workflowCallsPerOnboarding: Object.fromEntries(Object.entries(workflowCalls).map(([op, n]) => [op, n / onboarded])),
      triggerCallsPerOnboarding: onboarded > 0 ? totalCalls(calls, (op) => op.startsWith('states:')) / onboarded : Number.NaN,
      stepFunctionsCostPerMillionUsd: transitionsPerOnboarding * 1_000_000 * USD_PER_TRANSITION,
      sessionCalls: { newUser, ...sessions.calls, users: { new: runs.length, ...sessions.users } },
    };
  } finally {
    await fixture.close();
  }
}

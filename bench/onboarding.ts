import { callsBetween, snapshotCalls, totalCalls, type CallCounts } from './aws-calls';
import { failureSummary, fulfilled, mapLimit, rejected, within } from './concurrency';
import { awaitMessage, BENCH_PASSWORD, progress, startBenchSandbox, type BenchSandbox } from './fixture';
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

/**
 * Onboarding latency as a user sees it, with `concurrency` users at a time and no throttling;
 * then a separate pass of sign-ins alone counts what each onboarding execution costs.
 */
export async function benchOnboarding(options: OnboardingOptions): Promise<OnboardingFigures> {
  const fixture = await startBenchSandbox();
  const { sandbox } = fixture;
  try {
    progress(`onboarding: creating ${options.users + options.costUsers} users (not timed)`);
    const timedUsers = await fixture.createUsers(options.users, 20, 'onboard');
    const costUsers = await fixture.createUsers(options.costUsers, 20, 'cost');

    progress(`onboarding: ${options.users} users, sign-in to welcome, ${options.concurrency} at a time`);
    const transitionsBefore = sandbox.services.sfn.stats.transitions;
    const results = await mapLimit(timedUsers, options.concurrency, (username) => onboardOne(fixture, username));
    const transitions = sandbox.services.sfn.stats.transitions - transitionsBefore;
    const runs = fulfilled(results);

    // Sign-ins alone (no API, no MQTT), so every counted call is the sign-in's or the workflow's.
    progress(`onboarding: counting AWS calls over ${options.costUsers} sign-ins without the client part`);
    const before = snapshotCalls(sandbox.faults);
    const cost = await mapLimit(costUsers, options.concurrency, async (username) => {
      const tokens = await fixture.app.signIn(username, BENCH_PASSWORD);
      const status = await within(sandbox.services.sfn.waitForExecution(fixture.executionArnOf(tokens)), EXECUTION_TIMEOUT_MS, `onboarding of ${username}`);
      if (status !== 'SUCCEEDED') throw new Error(`onboarding of ${username} ended ${status}`);
    });
    const calls = callsBetween(before, snapshotCalls(sandbox.faults));
    const onboarded = fulfilled(cost).length;
    const workflowCalls = Object.fromEntries(Object.entries(calls).filter(([op]) => !isSignInCall(op)));
    const failures = [...rejected(results), ...rejected(cost)];

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
    };
  } finally {
    await fixture.close();
  }
}

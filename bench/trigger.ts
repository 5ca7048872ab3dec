import { randomUUID } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { onPostAuthentication, type OnboardingAction } from '../functions/onboarding/post-authentication/core';
import { clientConfig } from '../functions/shared/aws/clients';
import { ONBOARDED_ATTRIBUTE } from '../functions/shared/workflows/onboarding';
import { noCounter, silentLog } from '../functions/shared/observability/logging';
import { callsBetween, snapshotCalls, totalCalls, type CallCounts } from './aws-calls';
import { progress, startBenchSandbox } from './fixture';
import { distribution, type Distribution } from './stats';

export interface TriggerCase {
  readonly latencyMs: Distribution;
  readonly awsCallsPerSignIn: number;
  readonly calls: CallCounts;
  /** Actions other than the one this case expects (should be empty). */
  readonly unexpected: Readonly<Record<string, number>>;
}

export interface TriggerFigures {
  readonly invocations: number;
  readonly onboardedUser: TriggerCase;
  readonly newUser: TriggerCase;
}

/** A one-state machine: StartExecution is real, but no onboarding runs behind it. */
const NOOP_DEFINITION = JSON.stringify({ Comment: 'Benchmark target: accepts executions and does nothing.', StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
const WARM_UP = 50;

function signInEvent(region: string, userPoolId: string, sub: string, onboardedAt: string | undefined): PostAuthenticationTriggerEvent {
  return {
    version: '1',
    triggerSource: 'PostAuthentication_Authentication',
    region,
    userPoolId,
    userName: `bench-${sub.slice(0, 8)}`,
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'bench' },
    request: {
      userAttributes: {
        sub,
        email: `bench-${sub.slice(0, 8)}@example.com`,
        ...(onboardedAt !== undefined ? { [ONBOARDED_ATTRIBUTE]: onboardedAt } : {}),
      },
      newDeviceUsed: false,
    },
    response: {},
  };
}

/**
 * The post-authentication core in-process, with the handler's own SFN client settings, against
 * the sandbox's Step Functions endpoint: the handler's time per sign-in and the AWS calls it
 * makes, for a user already onboarded at the current version and for a new one.
 */
export async function benchTrigger(options: { invocations: number }): Promise<TriggerFigures> {
  const fixture = await startBenchSandbox();
  const { sandbox } = fixture;
  const sfn = new SFNClient(
    clientConfig({
      // As functions/onboarding/post-authentication/handler.ts configures it, pointed at the sandbox.
      connectionTimeoutMs: 500,
      requestTimeoutMs: 1_200,
      maxAttempts: 2,
      region: sandbox.region,
      endpoint: sandbox.endpoints.stepFunctions,
      credentials: { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY },
    }),
  );
  try {
    const { stateMachineArn } = sandbox.services.sfn.registerStateMachine({ name: 'bench-noop', definition: NOOP_DEFINITION, handlers: {} });
    const version = sandbox.outputs.OnboardingVersion;
    const deps = { sfn, log: silentLog, metrics: noCounter, config: { stateMachineArn, onboardingVersion: version, budgetMs: 3_000 } };
    const userPoolId = sandbox.userPool.userPoolId;

    const run = async (count: number, onboarded: boolean, expected: OnboardingAction): Promise<TriggerCase> => {
      const samples: number[] = [];
      const unexpected: Record<string, number> = {};
      const before = snapshotCalls(sandbox.faults);
      for (let i = 0; i < count; i++) {
        // A distinct sub per sign-in: each new user gets its own execution, as in production.
        const event = signInEvent(sandbox.region, userPoolId, randomUUID(), onboarded ? version : undefined);
        const started = performance.now();
        const action = await onPostAuthentication(event, deps);
        samples.push(performance.now() - started);
        if (action !== expected) unexpected[action] = (unexpected[action] ?? 0) + 1;
      }
      const calls = callsBetween(before, snapshotCalls(sandbox.faults));
      return {
        latencyMs: distribution(samples),
        awsCallsPerSignIn: totalCalls(calls, (op) => op.startsWith('states:')) / count,
        calls,
        unexpected,
      };
    };

    progress(`trigger: warming up (${WARM_UP} + ${WARM_UP} sign-ins, not counted)`);
    await run(WARM_UP, true, 'skipped-onboarded');
    await run(WARM_UP, false, 'started');
    progress(`trigger: ${options.invocations} sign-ins of onboarded users`);
    const onboardedUser = await run(options.invocations, true, 'skipped-onboarded');
    progress(`trigger: ${options.invocations} sign-ins of new users (StartExecution on bench-noop)`);
    const newUser = await run(options.invocations, false, 'started');
    return { invocations: options.invocations, onboardedUser, newUser };
  } finally {
    sfn.destroy();
    await fixture.close();
  }
}

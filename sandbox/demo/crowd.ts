import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { executionArnFor } from '../../functions/onboarding/post-authentication/core';
import { AttachGate, type QuotaGatesOutput } from '../../functions/shared/gates/gates';
import { executionName } from '../../functions/shared/workflows/onboarding';
import { AppClient, subOf } from '../clients/app-client';
import type { Sandbox } from '..';

export interface CrowdFigures {
  readonly users: number;
  readonly onboarded: number;
  /** Messages in the attach gate's queue (waiting + in flight), as GetQueueAttributes counted them, oldest first. */
  readonly backlog: readonly number[];
  readonly drainMs: number;
  readonly attachPolicyCalls: number;
}

/**
 * A crowd signs in at once and the attach gate drains it: the queue inspector an operator has
 * (`npm run admin -- queue`: GetQueueAttributes through the real SDK) read after each `pause` until
 * the queue is empty and every onboarding has closed. Polling is the demo's way to watch; tests
 * never sleep, they wait for events.
 */
export async function crowdSignsIn(
  sb: Sandbox,
  app: AppClient,
  crowd: { readonly prefix: string; readonly users: number; readonly password: string },
  pause: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 250)),
): Promise<CrowdFigures> {
  const { prefix, users, password } = crowd;
  const names = Array.from({ length: users }, (_, i) => `${prefix}${i + 1}`);
  await Promise.all(
    names.map(async (username) => {
      await app.signUp(username, password, `${username}@example.com`);
      await app.confirmSignUp(username, sb.services.idp.confirmationCode(sb.userPool.userPoolId, username) ?? '');
    }),
  );
  const queueUrl = (JSON.parse(sb.outputs.QuotaGates) as QuotaGatesOutput).attach.queueUrl;
  const sqs = new SQSClient({ region: sb.region, endpoint: sb.endpoints.sqs, credentials: { accessKeyId: sb.env.AWS_ACCESS_KEY_ID, secretAccessKey: sb.env.AWS_SECRET_ACCESS_KEY } });
  const attachBefore = sb.faults.stats('iot:AttachPolicy').calls;
  const started = performance.now();
  try {
    const tokens = await Promise.all(names.map((username) => app.signIn(username, password)));
    const closed = Promise.all(tokens.map((t) => sb.services.sfn.waitForExecution(executionArnFor(sb.stateMachineArn, executionName(subOf(t), sb.outputs.OnboardingVersion)))));
    let done = false;
    void closed.finally(() => (done = true));
    const backlog: number[] = [];
    for (;;) {
      const { Attributes: a = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      const inQueue = Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
      if (backlog.at(-1) !== inQueue) backlog.push(inQueue);
      if (done && inQueue === 0) break;
      await pause();
    }
    const statuses = await closed;
    return {
      users,
      onboarded: statuses.filter((s) => s === 'SUCCEEDED').length,
      backlog,
      drainMs: performance.now() - started,
      attachPolicyCalls: sb.faults.stats('iot:AttachPolicy').calls - attachBefore,
    };
  } finally {
    sqs.destroy();
  }
}

/** The demo's line for it. */
export function crowdLine(step: number, c: CrowdFigures): string {
  return (
    `${step}. ${c.users} new users signed in at once; the attach gate's queue (waiting + in flight, GetQueueAttributes): ` +
    `${c.backlog.join(' -> ')}; ${c.onboarded} onboarded in ${(c.drainMs / 1000).toFixed(1)} s at ${AttachGate.ratePerSecond}/s, ${c.attachPolicyCalls} AttachPolicy calls`
  );
}

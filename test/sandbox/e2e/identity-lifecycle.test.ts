import { GetThingShadowCommand, IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { DescribeExecutionCommand, GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../../sandbox/client';
import { startHarness, type Harness } from './harness';

let h: Harness;
let iotData: IoTDataPlaneClient;
beforeAll(async () => {
  h = await startHarness();
  iotData = new IoTDataPlaneClient({
    region: h.sandbox.region,
    endpoint: h.sandbox.endpoints.iotDataPlane,
    credentials: { accessKeyId: h.sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: h.sandbox.env.AWS_SECRET_ACCESS_KEY },
  });
});
afterAll(async () => {
  iotData?.destroy();
  await h?.close();
});

/** The API's answer to a request that must be refused, as the client sees it. */
async function refusal(request: Promise<unknown>): Promise<ApiRequestError> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiRequestError)) throw new Error(`expected the API to refuse, got ${String(error)}`);
  return error;
}

describe('self-healing onboarding', () => {
  it('onboards a user whose first sign-in hit a Step Functions outage and who only refreshes tokens, after one API call and a retry', async () => {
    const username = await h.newUser('outage');
    // Every StartExecution attempt of the trigger (its SDK retries included) fails.
    h.sandbox.faults.set('states:StartExecution', { failNext: 10, failWith: 'internal' });
    const signIn = await h.app.signIn(username, h.password);
    h.sandbox.faults.set('states:StartExecution', undefined);
    await expect(h.sfn.send(new DescribeExecutionCommand({ executionArn: h.executionArn(h.subOf(signIn)) }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
    if (!signIn.refreshToken) throw new Error('the sign-in returned no refresh token');

    // From now on the app only refreshes: Cognito runs no post-authentication trigger for that.
    const refreshed = await h.app.refresh(username, signIn.refreshToken);
    const first = await refusal(h.app.iotAccess(refreshed.idToken));
    expect(first).toMatchObject({ status: 409, code: 'NotOnboarded' });
    expect(first.retryAfterSeconds).toBeGreaterThan(0);

    expect(await h.sandbox.services.sfn.waitForExecution(h.executionArn(h.subOf(signIn)))).toBe('SUCCEEDED');
    await expect(h.app.iotAccess(refreshed.idToken)).resolves.toMatchObject({ identityId: expect.stringMatching(/^us-east-1:/) });
  });
});

describe('exactly-once welcome', () => {
  it('writes one welcome when the first shadow write lands and its response is lost', async () => {
    const username = await h.newUser('lost');
    const updatesBefore = h.sandbox.faults.stats('iot:UpdateThingShadow').calls;
    h.sandbox.faults.set('iot:UpdateThingShadow', { loseResponseNext: 1 });
    const { executionArn, status, tokens } = await h.signInAndOnboard(username);
    h.sandbox.faults.set('iot:UpdateThingShadow', undefined);
    expect(status).toBe('SUCCEEDED');

    // The fault did hit: PublishWelcome failed once and the workflow's retry re-read the shadow.
    const history = await h.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const failures = (history.events ?? []).filter((e) => e.type === 'TaskFailed' || e.type === 'LambdaFunctionFailed');
    expect(failures.length).toBeGreaterThanOrEqual(1);
    const output = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(output.output ?? '{}')).toMatchObject({ welcome: { published: false } });

    // One write reached the shadow: version 1, and one UpdateThingShadow call in all.
    const { identityId } = await h.app.iotAccess(tokens.idToken).catch(async () => h.app.iotAccess((await h.app.signIn(username, h.password)).idToken));
    const shadow = JSON.parse(new TextDecoder().decode((await iotData.send(new GetThingShadowCommand({ thingName: identityId }))).payload));
    expect(shadow.version).toBe(1);
    expect(shadow.state.reported.welcome).toMatchObject({ onboardingVersion: '1' });
    expect(h.sandbox.faults.stats('iot:UpdateThingShadow').calls).toBe(updatesBefore + 1);
  });
});

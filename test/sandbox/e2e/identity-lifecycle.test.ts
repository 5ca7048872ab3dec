import { LookupDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { AdminDeleteUserCommand, AdminDisableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DescribeExecutionCommand, GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRUST_DEFAULTS } from '../../../functions/shared/trust/user-trust';
import { ApiRequestError } from '../../../sandbox/clients/app-client';
import { closed, startHarness, within, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const WINDOW_MS = TRUST_DEFAULTS.revalidateSeconds * 1000;

/**
 * Runs `body` with the sandbox clock moved past the trust window, then moves it back: the test's
 * own SDK clients sign with the real time, which the sandbox accepts within SigV4's 5-minute skew.
 */
async function afterTheWindow(body: () => Promise<void>): Promise<void> {
  h.sandbox.clock.advance(WINDOW_MS);
  try {
    await body();
  } finally {
    h.sandbox.clock.advance(-WINDOW_MS);
  }
}

/** An MQTT connection through the custom authorizer (TLS, ALPN mqtt), the ID token as password. */
async function connectWithToken(username: string, clientId: string, idToken: string): Promise<MqttClient> {
  const client = await connectAsync({
    protocol: 'mqtts',
    host: 'localhost',
    port: Number(new URL(h.sandbox.endpoints.mqttTls).port),
    ca: h.sandbox.caPem,
    ALPNProtocols: ['mqtt'],
    clientId,
    username: `${username}?x-amz-customauthorizer-name=${h.sandbox.authorizerName}`,
    password: idToken,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  return h.track(client);
}

describe('a user is trusted only while they exist', () => {
  it('refuses a deleted user\'s token after their username is registered again, and links no login', async () => {
    const username = `takeover-${Date.now().toString(36)}`;
    await h.app.signUp(username, h.password, `${username}@example.com`);
    await h.app.confirmSignUp(username, h.sandbox.services.idp.confirmationCode(h.sandbox.userPool.userPoolId, username) ?? '');
    // A user who was never onboarded (their sign-in fell in a Step Functions outage) keeps a valid token.
    h.sandbox.faults.set('states:StartExecution', { failNext: 10, failWith: 'internal' });
    const stale = await h.app.signIn(username, h.password);
    h.sandbox.faults.set('states:StartExecution', undefined);
    await h.idp.send(new AdminDeleteUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: username }));

    await h.app.signUp(username, h.password, `${username}@example.com`);
    await h.app.confirmSignUp(username, h.sandbox.services.idp.confirmationCode(h.sandbox.userPool.userPoolId, username) ?? '');
    const { status, tokens } = await h.signInAndOnboard(username);
    expect(status).toBe('SUCCEEDED');
    const newcomer = await h.app.iotAccess(tokens.idToken);

    const refused = await refusal(h.app.iotAccess(stale.idToken));
    expect(refused).toMatchObject({ status: 401, code: 'Unauthenticated' });
    expect(refused.message).not.toContain(newcomer.identityId);
    const logins = await h.identity.send(
      new LookupDeveloperIdentityCommand({ IdentityPoolId: h.sandbox.identityPoolId, IdentityId: newcomer.identityId, MaxResults: 60 }),
    );
    expect(logins.DeveloperUserIdentifierList).toEqual([h.subOf(tokens)]);
    await expect(refusal(h.app.sendCommand(stale.idToken, 'device_kitchen', { power: 'OFF' }))).resolves.toMatchObject({ status: 401 });
  });

  it('refuses a disabled user\'s API calls once the re-validation window has passed', async () => {
    const user = await h.onboardedUser('disabled-api');
    await h.idp.send(new AdminDisableUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: user.username }));
    // Within the window the cached decision stands (the README states the window).
    await expect(h.app.iotAccess(user.tokens.idToken)).resolves.toMatchObject({ identityId: user.access.identityId });
    await afterTheWindow(async () => {
      const refused = await refusal(h.app.iotAccess(user.tokens.idToken));
      expect(refused).toMatchObject({ status: 401, code: 'Unauthenticated' });
      expect(refused.message).toContain('This user is disabled');
      await expect(refusal(h.app.sendCommand(user.tokens.idToken, 'device_kitchen', { power: 'OFF' }))).resolves.toMatchObject({ status: 401 });
    });
  });

  it('drops a disabled user\'s custom-authorizer connection at the next policy refresh, and refuses them at connect', async () => {
    const user = await h.onboardedUser('disabled-mqtt');
    const client = await connectWithToken(user.username, user.access.identityId, user.tokens.idToken);
    await h.idp.send(new AdminDisableUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: user.username }));
    const dropped = closed(client);
    await afterTheWindow(async () => {
      await within(dropped, 5_000, 'the refresh-time disconnect');
      await expect(connectWithToken(user.username, user.access.identityId, user.tokens.idToken)).rejects.toMatchObject({ code: 5 });
    });
  });

  it("refuses a disabled user's next custom-authorizer connect at once: no decision of an earlier session is reused", async () => {
    const user = await h.onboardedUser('disabled-reuse');
    const first = await connectWithToken(user.username, user.access.identityId, user.tokens.idToken);
    expect(first.connected).toBe(true);
    await h.idp.send(new AdminDisableUserCommand({ UserPoolId: h.sandbox.userPool.userPoolId, Username: user.username }));
    // A session admitted now on the first one's decision would run until its refresh, 300 s on.
    await expect(connectWithToken(user.username, user.access.identityId, user.tokens.idToken)).rejects.toMatchObject({ code: 5 });
  });
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
    const shadow = JSON.parse(new TextDecoder().decode((await h.iotData.send(new GetThingShadowCommand({ thingName: identityId }))).payload));
    expect(shadow.version).toBe(1);
    expect(shadow.state.reported.welcome).toMatchObject({ onboardingVersion: '1' });
    expect(h.sandbox.faults.stats('iot:UpdateThingShadow').calls).toBe(updatesBefore + 1);
  });
});

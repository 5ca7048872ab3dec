import { connectAsync, type MqttClient } from 'mqtt';
import { executionArnFor } from '../../functions/onboarding/post-authentication/core';
import { executionName } from '../../functions/shared/workflows/onboarding';
import { AppClient, nextMessage, subOf } from '../clients/app-client';
import type { Sandbox } from '..';
import { demoOwnership, demoRefusals, type DemoUser } from './devices';
import type { Timeline } from './timeline';
import { crowdLine, crowdSignsIn } from './crowd';

const USERNAME = 'alice';
const PASSWORD = 'Sandbox-Passw0rd!';

/** The client flow end to end, as a new user's app and a device would run it against AWS. */
export async function runDemo(sb: Sandbox, t: Timeline): Promise<void> {
  t.step(`Sandbox ready: Cognito user pool + identity pool, IoT Core (broker, shadows), Step Functions, HTTP API on 127.0.0.1`);
  const app = new AppClient(sb.appConfig);
  await app.signUp(USERNAME, PASSWORD, 'alice@example.com');
  const code = sb.services.idp.confirmationCode(sb.userPool.userPoolId, USERNAME);
  if (!code) throw new Error('the sandbox issued no confirmation code');
  await app.confirmSignUp(USERNAME, code);
  t.step(`1. Created user "${USERNAME}" (SignUp with SECRET_HASH, ConfirmSignUp)`);
  await signInAndWatchOnboarding(sb, app, t);
  const { mqtt, access, fresh, credentials } = await connectAsUser(sb, app, t);
  const alice: DemoUser = { username: USERNAME, idToken: fresh.idToken, access, credentials, mqtt };
  const { device, claimCode } = await demoOwnership(sb, app, alice, t.step);
  const bob = await signedInUser(sb, app, 'bob');
  await demoRefusals(app, alice, bob, claimCode, t.step);
  const startsBefore = sb.faults.stats('states:StartExecution').calls;
  await app.signIn(USERNAME, PASSWORD);
  const startsAfter = sb.faults.stats('states:StartExecution').calls;
  t.step(`14. Signed in again: ${startsAfter - startsBefore} StartExecution calls (already onboarded at version ${sb.outputs.OnboardingVersion})`);
  await connectThroughCustomAuthorizer(sb, access.identityId, t);
  t.step(crowdLine(16, await crowdSignsIn(sb, app, { prefix: 'crowd', users: 24, password: PASSWORD })));
  await mqtt.endAsync();
  await bob.mqtt.endAsync();
  await device.close();
  t.detail('');
  t.detail('Done. `npm start -- --serve` keeps the sandbox running; `npm test` runs the whole suite.');
}

/** Steps 2-3: the first sign-in starts onboarding; its history events are printed as written. */
async function signInAndWatchOnboarding(sb: Sandbox, app: AppClient, t: Timeline): Promise<void> {
  const seen: string[] = [];
  const unsubscribe = sb.services.sfn.onExecutionEvent((notice) => {
    const e = notice.event;
    if (e.stateEnteredEventDetails?.name) seen.push(`${e.stateEnteredEventDetails.name}`);
    if (e.type === 'TaskStateExited' || e.type === 'ExecutionSucceeded' || e.type === 'ExecutionFailed' || e.type === 'TaskFailed') {
      t.step(`   ${e.type.padEnd(17)} ${e.stateExitedEventDetails?.name ?? ''}`);
    }
  });
  const tokens = await app.signIn(USERNAME, PASSWORD);
  const executionArn = executionArnFor(sb.stateMachineArn, executionName(subOf(tokens), sb.outputs.OnboardingVersion));
  t.step(`2. Signed in (InitiateAuth USER_PASSWORD_AUTH); the post-authentication trigger started ${executionArn.split(':').pop()}`);
  const status = await sb.services.sfn.waitForExecution(executionArn);
  unsubscribe();
  if (status !== 'SUCCEEDED') throw new Error(`onboarding ended ${status}`);
  t.step(`3. Onboarding ${status}: ${seen.join(' -> ')} (${sb.services.sfn.stats.transitions} state transitions)`);
}

/** Steps 4-7: credentials for the identity, MQTT over WebSocket with SigV4, the welcome shadow. */
async function connectAsUser(sb: Sandbox, app: AppClient, t: Timeline) {
  // The token from the first sign-in predates onboarding; sign in again for current claims.
  const fresh = await app.signIn(USERNAME, PASSWORD);
  const access = await app.iotAccess(fresh.idToken);
  t.step(`4. GET /iot/credentials -> identity ${access.identityId}, endpoint ${access.iotEndpoint}`);
  const credentials = await app.credentials(access);
  t.step(`5. GetCredentialsForIdentity -> temporary credentials ${credentials.accessKeyId.slice(0, 8)}… (role + attached IoT policy)`);
  const mqtt = await app.connectMqtt(access, credentials);
  t.step(`6. Connected by MQTT over WebSocket, SigV4-presigned, client id = identity id`);
  const shadowTopic = `$aws/things/${access.identityId}/shadow`;
  await mqtt.subscribeAsync(`${shadowTopic}/get/accepted`, { qos: 1 });
  const shadow = nextMessage(mqtt, `${shadowTopic}/get/accepted`);
  await mqtt.publishAsync(`${shadowTopic}/get`, '{}', { qos: 1 });
  const welcome = ((await shadow).state as { reported?: { welcome?: unknown } }).reported?.welcome;
  t.step(`7. Read the welcome shadow: ${JSON.stringify(welcome)}`);
  return { mqtt, access, fresh, credentials };
}

/** A second user, signed up and in, onboarded, connected by MQTT: the stranger at alice's doors. */
async function signedInUser(sb: Sandbox, app: AppClient, username: string): Promise<DemoUser> {
  await app.signUp(username, PASSWORD, `${username}@example.com`);
  const code = sb.services.idp.confirmationCode(sb.userPool.userPoolId, username);
  if (!code) throw new Error('the sandbox issued no confirmation code');
  await app.confirmSignUp(username, code);
  const first = await app.signIn(username, PASSWORD);
  const status = await sb.services.sfn.waitForExecution(executionArnFor(sb.stateMachineArn, executionName(subOf(first), sb.outputs.OnboardingVersion)));
  if (status !== 'SUCCEEDED') throw new Error(`onboarding of ${username} ended ${status}`);
  const { idToken } = await app.signIn(username, PASSWORD);
  const access = await app.iotAccess(idToken);
  const credentials = await app.credentials(access);
  return { username, idToken, access, credentials, mqtt: await app.connectMqtt(access, credentials) };
}

/**
 * Step 15, the second article's path: no identity pool on the client, just MQTT
 * username/password over TLS with ALPN "mqtt", checked by the custom authorizer.
 */
async function connectThroughCustomAuthorizer(sb: Sandbox, identityId: string, t: Timeline): Promise<void> {
  const tlsUrl = new URL(sb.endpoints.mqttTls);
  const custom = await connectAsync({
    protocol: 'mqtts',
    host: 'localhost',
    port: Number(tlsUrl.port),
    ca: sb.caPem,
    ALPNProtocols: ['mqtt'],
    clientId: identityId,
    username: `${USERNAME}?x-amz-customauthorizer-name=${sb.authorizerName}`,
    password: PASSWORD,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const shadowTopic = `$aws/things/${identityId}/shadow`;
  await custom.subscribeAsync(`${shadowTopic}/update/accepted`, { qos: 1 });
  const accepted = nextMessage(custom, `${shadowTopic}/update/accepted`);
  await custom.publishAsync(`${shadowTopic}/update`, JSON.stringify({ state: { reported: { via: 'custom-authorizer' } } }), { qos: 1 });
  t.step(`15. Connected through the custom authorizer (username/password, TLS + ALPN mqtt) and updated its shadow to version ${String((await accepted).version)}`);
  await custom.endAsync();
}

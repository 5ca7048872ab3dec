import { parseArgs } from 'node:util';
import { connectAsync } from 'mqtt';
import { executionArnFor } from '../functions/post-authentication/core';
import { executionName } from '../functions/shared/onboarding';
import { AppClient, nextMessage, subOf } from './client';
import { demoOwnership, demoRefusals, type DemoUser } from './demo-devices';
import { startSandbox, type Sandbox } from './index';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    serve: { type: 'boolean' },
    'api-port': { type: 'string' },
    'iot-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
    'outputs-file': { type: 'string', default: '.sandbox/outputs.json' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(`npm start                 run the end-to-end demo against the offline sandbox, then exit
npm start -- --serve      keep the sandbox running and print its endpoints and environment
  --api-port N --iot-port N --mqtt-port N   fixed ports (default: ephemeral)
  --outputs-file F          stack outputs JSON for the admin CLI (default .sandbox/outputs.json)
`);
  process.exit(0);
}

const started = performance.now();
const ms = (t: number) => `${Math.round(t).toString().padStart(5)} ms`;
let last = started;
function step(text: string) {
  const now = performance.now();
  process.stdout.write(`${ms(now - started)}  ${text}${now - last > 1 ? `  (${Math.round(now - last)} ms)` : ''}\n`);
  last = now;
}
const detail = (text: string) => process.stdout.write(`           ${text}\n`);

const port = (value: string | undefined) => (value ? Number(value) : undefined);
const sandbox = await startSandbox({
  functionLogLevel: values.serve ? 'INFO' : 'ERROR',
  outputsFile: values['outputs-file'],
  ports: {
    ...(port(values['api-port']) ? { api: port(values['api-port']) } : {}),
    ...(port(values['iot-port']) ? { iotData: port(values['iot-port']) } : {}),
    ...(port(values['mqtt-port']) ? { mqtt: port(values['mqtt-port']) } : {}),
  },
});

if (values.serve) {
  serve(sandbox);
} else {
  try {
    await demo(sandbox);
    await sandbox.close();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`\nDemo failed: ${(error as Error).stack ?? String(error)}\n`);
    await sandbox.close();
    process.exit(1);
  }
}

function serve(sb: Sandbox) {
  step('Sandbox ready');
  const lines = [
    '',
    'Endpoints',
    `  HTTP API                ${sb.endpoints.api}   (GET /devices, POST|DELETE /devices/{thingName}/claim, POST /devices/{thingName}/commands, GET /iot/credentials)`,
    `  IoT data + MQTT/WS      ${sb.endpoints.iotDataPlane}   (WebSocket: ${sb.endpoints.mqttWebSocket}, SigV4)`,
    `  MQTT/TCP                ${sb.endpoints.mqttTcp}   (custom authorizer ${sb.authorizerName} only)`,
    `  MQTT/TLS                ${sb.endpoints.mqttTls}   (ALPN "mqtt": custom authorizer; no ALPN: device client certificate, policy ${sb.devicePolicyName}; trust the CA below)`,
    `  MQTT/WebSocket TLS      ${sb.endpoints.mqttWebSocketTls}`,
    `  Cognito user pools      ${sb.endpoints.cognitoIdp}`,
    `  Cognito identity        ${sb.endpoints.cognitoIdentity}`,
    `  IoT control plane       ${sb.endpoints.iotControlPlane}`,
    `  Step Functions          ${sb.endpoints.stepFunctions}`,
    '',
    'Stack outputs',
    ...Object.entries(sb.outputs).map(([k, v]) => `  ${k.padEnd(22)}  ${v}`),
    `  ${'AppClientSecret'.padEnd(22)}  ${sb.userPool.clientSecret}`,
    `  written to ${values['outputs-file']}`,
    '',
    'Point the AWS CLI, an SDK or the admin CLI at the sandbox:',
    ...Object.entries(sb.env).map(([k, v]) => `  export ${k}=${v}`),
    '',
    'CA certificate of the TLS listeners:',
    sb.caPem.trim(),
    '',
    'Then e.g.: npm run admin -- failed   |   aws stepfunctions list-executions --state-machine-arn $IOT_ONBOARDING_STATE_MACHINE_ARN',
    'Ctrl-C stops the sandbox.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    void sb.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function demo(sb: Sandbox) {
  step(`Sandbox ready: Cognito user pool + identity pool, IoT Core (broker, shadows), Step Functions, HTTP API on 127.0.0.1`);
  const app = new AppClient(sb.appConfig);
  const username = 'alice';
  const password = 'Sandbox-Passw0rd!';

  await app.signUp(username, password, 'alice@example.com');
  const code = sb.services.idp.confirmationCode(sb.userPool.userPoolId, username);
  if (!code) throw new Error('the sandbox issued no confirmation code');
  await app.confirmSignUp(username, code);
  step(`1. Created user "${username}" (SignUp with SECRET_HASH, ConfirmSignUp)`);

  // Watch the onboarding execution as Step Functions writes its history.
  const seen: string[] = [];
  const unsubscribe = sb.services.sfn.onExecutionEvent((notice) => {
    const e = notice.event;
    if (e.stateEnteredEventDetails?.name) seen.push(`${e.stateEnteredEventDetails.name}`);
    if (e.type === 'TaskStateExited' || e.type === 'ExecutionSucceeded' || e.type === 'ExecutionFailed' || e.type === 'TaskFailed') {
      const name = e.stateExitedEventDetails?.name ?? '';
      step(`   ${e.type.padEnd(17)} ${name}`);
    }
  });
  const tokens = await app.signIn(username, password);
  const sub = subOf(tokens);
  const executionArn = executionArnFor(sb.stateMachineArn, executionName(sub, sb.outputs.OnboardingVersion));
  step(`2. Signed in (InitiateAuth USER_PASSWORD_AUTH); the post-authentication trigger started ${executionArn.split(':').pop()}`);
  const status = await sb.services.sfn.waitForExecution(executionArn);
  unsubscribe();
  if (status !== 'SUCCEEDED') throw new Error(`onboarding ended ${status}`);
  step(`3. Onboarding ${status}: ${seen.join(' -> ')} (${sb.services.sfn.stats.transitions} state transitions)`);

  // The token from the first sign-in predates onboarding; sign in again for current claims.
  const fresh = await app.signIn(username, password);
  const access = await app.iotAccess(fresh.idToken);
  step(`4. GET /iot/credentials -> identity ${access.identityId}, endpoint ${access.iotEndpoint}`);
  const credentials = await app.credentials(access);
  step(`5. GetCredentialsForIdentity -> temporary credentials ${credentials.accessKeyId.slice(0, 8)}… (role + attached IoT policy)`);

  const mqtt = await app.connectMqtt(access, credentials);
  step(`6. Connected by MQTT over WebSocket, SigV4-presigned, client id = identity id`);
  const shadowTopic = `$aws/things/${access.identityId}/shadow`;
  await mqtt.subscribeAsync(`${shadowTopic}/get/accepted`, { qos: 1 });
  const shadow = nextMessage(mqtt, `${shadowTopic}/get/accepted`);
  await mqtt.publishAsync(`${shadowTopic}/get`, '{}', { qos: 1 });
  const welcome = ((await shadow).state as { reported?: { welcome?: unknown } }).reported?.welcome;
  step(`7. Read the welcome shadow: ${JSON.stringify(welcome)}`);

  const alice = { username, idToken: fresh.idToken, access, credentials, mqtt };
  const { device, claimCode } = await demoOwnership(sb, app, alice, step);
  const bob = await signedInUser(sb, app, 'bob', password);
  await demoRefusals(app, alice, bob, claimCode, step);

  const startsBefore = sb.faults.stats('states:StartExecution').calls;
  await app.signIn(username, password);
  const startsAfter = sb.faults.stats('states:StartExecution').calls;
  step(`14. Signed in again: ${startsAfter - startsBefore} StartExecution calls (already onboarded at version ${sb.outputs.OnboardingVersion})`);

  // The second article's path: no identity pool on the client, just MQTT username/password over
  // TLS with ALPN "mqtt", checked by the custom authorizer against the user pool.
  const tlsUrl = new URL(sb.endpoints.mqttTls);
  const custom = await connectAsync({
    protocol: 'mqtts',
    host: 'localhost',
    port: Number(tlsUrl.port),
    ca: sb.caPem,
    ALPNProtocols: ['mqtt'],
    clientId: access.identityId,
    username: `${username}?x-amz-customauthorizer-name=${sb.authorizerName}`,
    password,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  await custom.subscribeAsync(`${shadowTopic}/update/accepted`, { qos: 1 });
  const accepted = nextMessage(custom, `${shadowTopic}/update/accepted`);
  await custom.publishAsync(`${shadowTopic}/update`, JSON.stringify({ state: { reported: { via: 'custom-authorizer' } } }), { qos: 1 });
  step(`15. Connected through the custom authorizer (username/password, TLS + ALPN mqtt) and updated its shadow to version ${String((await accepted).version)}`);
  await custom.endAsync();

  await mqtt.endAsync();
  await bob.mqtt.endAsync();
  await device.close();
  detail('');
  detail('Done. `npm start -- --serve` keeps the sandbox running; `npm test` runs the whole suite.');
}

/** Signs a second user up and in, waits for their onboarding, and connects them by MQTT. */
async function signedInUser(sb: Sandbox, app: AppClient, username: string, password: string): Promise<DemoUser> {
  await app.signUp(username, password, `${username}@example.com`);
  const code = sb.services.idp.confirmationCode(sb.userPool.userPoolId, username);
  if (!code) throw new Error('the sandbox issued no confirmation code');
  await app.confirmSignUp(username, code);
  const first = await app.signIn(username, password);
  const status = await sb.services.sfn.waitForExecution(executionArnFor(sb.stateMachineArn, executionName(subOf(first), sb.outputs.OnboardingVersion)));
  if (status !== 'SUCCEEDED') throw new Error(`onboarding of ${username} ended ${status}`);
  const { idToken } = await app.signIn(username, password);
  const access = await app.iotAccess(idToken);
  const credentials = await app.credentials(access);
  return { username, idToken, access, credentials, mqtt: await app.connectMqtt(access, credentials) };
}

import { errorMessage, errorName } from '../functions/shared/aws/error-name';
import { CliUsageError, helpText, parseCliOptions, usageLine, type CliOptions } from './app/cli-options';
import { CONTROL_PATHS } from './wire/fault-control';
import { runDemo } from './demo';
import { runAdoptionDemo } from './demo/adopt';
import { timeline } from './demo/timeline';
import { startSandbox, type Sandbox } from '.';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let options: CliOptions;
try {
  options = parseCliOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof CliUsageError)) throw error;
  process.stderr.write(`${usageLine(error)}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(helpText());
  process.exit(0);
}

const t = timeline();
const sandbox = await startSandbox({
  functionLogLevel: options.serve ? 'INFO' : 'ERROR',
  outputsFile: options.outputsFile,
  ports: options.ports,
  faults: options.faults,
  adopt: options.adopt,
  corsOrigins: options.corsOrigins,
  web: options.web,
  // --serve logs each IoT authorization refusal with its cause (the demo's refusals are expected).
  ...(options.serve ? { logRefusal: (line: string) => process.stdout.write(`${line}\n`) } : {}),
}).catch((error: unknown) => {
  // EACCES: a port below 1024 (443) without the right to bind it; EADDRINUSE: a fixed port taken.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const hint = code === 'EACCES' ? ' (ports below 1024 need root or CAP_NET_BIND_SERVICE)' : code === 'EADDRINUSE' ? ' (a fixed port is already in use)' : '';
  process.stderr.write(`The sandbox did not start: ${errorMessage(error)}${hint}\n`);
  process.exit(1);
});

if (options.serve) {
  serve(sandbox);
} else {
  try {
    await (options.adopt ? runAdoptionDemo(sandbox, t) : runDemo(sandbox, t));
    await sandbox.close();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`\nDemo failed (${errorName(error)}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await sandbox.close();
    process.exit(1);
  }
}

function serve(sb: Sandbox): void {
  t.step('Sandbox ready');
  const e = sb.endpoints;
  const cors = [...options.corsOrigins, ...(sb.webUrl ? [new URL(sb.webUrl).origin] : [])];
  const lines = [
    ...(sb.webUrl ? ['', `Web app                   ${sb.webUrl}   (sign in with a user of the pool: SRP, public app client ${sb.userPool.webClientId})`] : []),
    '',
    'Endpoints',
    `  HTTP API                ${e.api}   (GET /devices, POST|DELETE /devices/{thingName}/claim, POST /devices/{thingName}/commands, GET /iot/credentials)`,
    `  ${''.padEnd(22)}  CORS: ${cors.length > 0 ? `preflights answered for ${cors.join(', ')}` : 'none (npm start -- --serve --cors-origin <origin>)'}`,
    `  IoT data + MQTT/WS      ${e.iotDataPlane}   (WebSocket: ${e.mqttWebSocket}, SigV4)`,
    `  MQTT/TCP                ${e.mqttTcp}   (custom authorizer ${sb.authorizerName} only)`,
    `  MQTT/TLS                ${e.mqttTls}   (ALPN "mqtt": custom authorizer; no ALPN: device client certificate, policy ${sb.devicePolicyName}; trust the CA below)`,
    ...(e.mqttTlsDevice ? [`  MQTT/TLS (2nd port)     ${e.mqttTlsDevice}`] : []),
    `  MQTT/WebSocket TLS      ${e.mqttWebSocketTls}`,
    `  Cognito user pools      ${e.cognitoIdp}`,
    `  Cognito identity        ${e.cognitoIdentity}`,
    `  IoT control plane       ${e.iotControlPlane}`,
    `  Step Functions          ${e.stepFunctions}`,
    `  SQS                     ${e.sqs}   (AWS JSON 1.0 and query protocol)`,
    `  CloudWatch              ${e.cloudWatch}   (GetMetricData, AWS/SQS metrics; AWS JSON 1.0 and query protocol)`,
    `  Fault control API       ${e.control}${CONTROL_PATHS.faults}   (and ${CONTROL_PATHS.calls}; see README)`,
    '',
    'Stack outputs',
    ...Object.entries(sb.outputs).map(([k, v]) => `  ${k.padEnd(22)}  ${v}`),
    `  ${'AppClientSecret'.padEnd(22)}  ${sb.userPool.clientSecret}`,
    `  written with the endpoints and the secret to ${options.outputsFile}; CA certificate: ${sb.caFile ?? '(not written)'}`,
    ...(options.faults.length > 0 ? ['', `Fault rules in force: ${JSON.stringify(options.faults)}`] : []),
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

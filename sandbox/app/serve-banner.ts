import { CONTROL_PATHS } from '../wire/fault-control';
import type { Sandbox } from '..';
import type { CliOptions } from './cli-options';
import { CONTROL_VARIABLE, exportLines } from './deploy/environment';

/**
 * What `npm start -- --serve` prints once the sandbox is ready: its endpoints, the stack outputs,
 * the exports that point the AWS CLI (v1 and v2), an SDK or the admin CLI at it, and its CA. The
 * last line is the ready line a script can wait for.
 */
export function serveBanner(sb: Sandbox, options: CliOptions): string[] {
  const e = sb.endpoints;
  const cors = [...options.corsOrigins, ...(sb.webUrl ? [new URL(sb.webUrl).origin] : [])];
  return [
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
    `  Control API             ${e.control}   ($${CONTROL_VARIABLE}${CONTROL_PATHS.faults}: fault rules; $${CONTROL_VARIABLE}${CONTROL_PATHS.calls}: call counts)`,
    '',
    'Stack outputs',
    ...Object.entries(sb.outputs).map(([k, v]) => `  ${k.padEnd(22)}  ${v}`),
    `  ${'AppClientSecret'.padEnd(22)}  ${sb.userPool.clientSecret}`,
    `  written with the endpoints, the secret and the sandbox's credentials to ${options.outputsFile}`,
    `  (npm run admin -- <command> --outputs-file ${options.outputsFile} needs nothing else); CA certificate: ${sb.caFile ?? '(not written)'}`,
    ...(options.faults.length > 0 ? ['', `Fault rules in force: ${JSON.stringify(options.faults)}`] : []),
    '',
    'Point the AWS CLI (v1 or v2), an SDK or the admin CLI at the sandbox:',
    ...exportLines(sb.env).map((line) => `  ${line}`),
    ...(sb.envFile ? [`  (also in ${sb.envFile}: . ${sb.envFile})`] : []),
    '',
    'CA certificate of the TLS listeners:',
    sb.caPem.trim(),
    '',
    `Then e.g.: npm run admin -- failed   |   aws stepfunctions list-executions --state-machine-arn $IOT_ONBOARDING_STATE_MACHINE_ARN   |   curl $${CONTROL_VARIABLE}${CONTROL_PATHS.calls}`,
    `Ctrl-C or kill ${process.pid} stops the sandbox.`,
  ];
}

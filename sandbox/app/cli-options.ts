import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidFaultSpec, parseFaultSpecs, type FaultSpec } from '../wire/faults';
import type { SandboxPorts } from './options';
import { corsOriginProblem } from '../../functions/shared/api-cors';
import { parseArgsProblem } from '../../ops/cli-usage';

/** The AWS JSON (and query) APIs: `--<the service's endpoint prefix>-port` (as in `AWS_ENDPOINT_URL_<SERVICE>` and the SDK's endpoints). */
const JSON_API_PORTS: ReadonlyArray<readonly [prefix: string, key: keyof SandboxPorts, what: string]> = [
  ['cognito-idp', 'cognitoIdp', 'Cognito user pools'],
  ['cognito-identity', 'cognitoIdentity', 'Cognito identity'],
  ['sfn', 'stepFunctions', 'Step Functions'],
  ['secretsmanager', 'secretsManager', 'Secrets Manager (the app client secret the custom authorizer reads)'],
  ['sqs', 'sqs', 'SQS (AWS JSON 1.0 and the query protocol, on one port)'],
  ['monitoring', 'cloudwatch', "CloudWatch (GetMetricData over SQS's metrics; AWS JSON 1.0 and the query protocol)"],
];

/** `--<flag> N` → the port it fixes (SandboxPorts key) and what listens there. */
const PORT_FLAGS: Readonly<Record<string, readonly [keyof SandboxPorts, string]>> = {
  'api-port': ['api', 'HTTP API (command API)'],
  'iot-port': ['iotData', 'IoT data plane (REST) + MQTT over WebSocket at /mqtt (the ATS data endpoint)'],
  'iot-control-port': ['iotControl', 'IoT control plane'],
  'mqtt-port': ['mqtt', 'MQTT over plain TCP'],
  'tls-port': ['mqttTls', 'MQTT over TLS, both roles by ALPN: "mqtt" = custom authorizer (AWS: 443), x-amzn-mqtt-ca or none = devices with a client certificate (AWS: 8883)'],
  'device-port': ['deviceTls', 'a second MQTT/TLS listener, e.g. --tls-port 443 --device-port 8883'],
  'wss-port': ['mqttWss', 'MQTT over WebSocket with TLS (wss://)'],
  ...Object.fromEntries(JSON_API_PORTS.map(([prefix, key, what]) => [`${prefix}-port`, [key, what] as const])),
  'control-port': ['control', 'fault control API (/_sandbox/faults, /_sandbox/calls)'],
  'web-port': ['web', 'the web app (with --serve)'],
};

export interface CliOptions {
  readonly serve: boolean;
  /** Build and serve the web app: with --serve unless --no-web (--web alone implies --serve). */
  readonly web: boolean;
  /** Deploy against a team's existing user pool (and, without --serve, run the adoption demo). */
  readonly adopt: boolean;
  readonly help: boolean;
  readonly outputsFile: string;
  readonly ports: SandboxPorts;
  readonly faults: readonly FaultSpec[];
  /** `--cors-origin`, each origin once, in order. */
  readonly corsOrigins: readonly string[];
}

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** What `npm start` prints for a usage error: one line that ends by pointing at the help, exit code 2. */
export function usageLine(error: CliUsageError): string {
  return `npm start: ${error.message}; run with --help for usage (npm start -- --help)`;
}

export const DEFAULT_OUTPUTS_FILE = '.sandbox/outputs.json';

/** Every option `npm start` takes (helpText documents each). */
export const CLI_OPTIONS = {
  serve: { type: 'boolean' },
  web: { type: 'boolean' },
  'no-web': { type: 'boolean' },
  adopt: { type: 'boolean' },
  'outputs-file': { type: 'string', default: DEFAULT_OUTPUTS_FILE },
  faults: { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(Object.keys(PORT_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
} as const;

/** Parses `npm start -- ...`; throws CliUsageError with the flag's name on a bad value. */
export function parseCliOptions(args: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: CLI_OPTIONS }));
  } catch (error) {
    throw new CliUsageError(parseArgsProblem(error, Object.keys(CLI_OPTIONS)));
  }
  const ports: Record<string, number> = {};
  for (const [flag, [key]] of Object.entries(PORT_FLAGS)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw === 'string') ports[key] = parsePort(flag, raw);
  }
  return {
    serve: values.serve === true || values.web === true,
    // The issue's "npm start -- --serve serves the app": --serve serves it unless told --no-web.
    web: values['no-web'] !== true && (values.web === true || values.serve === true),
    adopt: values.adopt === true,
    help: values.help === true,
    outputsFile: String(values['outputs-file']),
    ports,
    faults: typeof values.faults === 'string' ? readFaults(values.faults) : [],
    corsOrigins: readCorsOrigins(values['cors-origin'] ?? []),
  };
}

/** `--cors-origin` is repeatable and takes comma lists; each origin is checked as `-c corsOrigins` checks it. */
function readCorsOrigins(values: readonly string[]): string[] {
  const origins = [...new Set(values.flatMap((v) => v.split(',')).map((o) => o.trim()).filter(Boolean))];
  if (values.length > 0 && origins.length === 0) throw new CliUsageError('--cors-origin needs an origin, scheme://host[:port]');
  for (const origin of origins) {
    const problem = corsOriginProblem(origin);
    if (problem) throw new CliUsageError(`--cors-origin "${origin}" is not an allowed origin: ${problem}`);
  }
  return origins;
}

function parsePort(flag: string, raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) throw new CliUsageError(`--${flag} must be a port number from 1 to 65535, not "${raw}"`);
  return port;
}

/** `--faults` takes the control API's JSON inline (`[{...}]` / `{...}`) or a path to a file holding it. */
function readFaults(value: string): FaultSpec[] {
  try {
    const text = /^\s*[[{]/.test(value) ? value : readFileSync(value, 'utf8');
    return parseFaultSpecs(JSON.parse(text));
  } catch (error) {
    const reason = error instanceof InvalidFaultSpec || error instanceof SyntaxError ? error.message : `cannot read ${value}: ${String(error)}`;
    throw new CliUsageError(`--faults: ${reason}`);
  }
}

export function helpText(): string {
  const ports = Object.entries(PORT_FLAGS).map(([flag, [, what]]) => `  --${`${flag} N`.padEnd(26)}${what}`);
  return `npm start                   run the end-to-end demo against the offline sandbox, then exit
npm start -- --serve        keep the sandbox running, print its endpoints and environment, and build web/
                            with Vite and serve the web app on its own port (its origin gets CORS on the
                            HTTP API; its config.json comes from the deployment)
npm start -- --no-web --serve   the same without the web app
npm start -- --web          the same as --serve (from before --serve served the web app)
npm start -- --adopt        deploy against a team's existing user pool (its users, its own pre sign-up
                            trigger, MFA, verification, a custom attribute) and show what adoption
                            changes and what cdk destroy puts back; with --serve, keep that sandbox running

Options (every port defaults to an ephemeral one on 127.0.0.1; a port below 1024, such as 443,
needs the right to bind it: root, or CAP_NET_BIND_SERVICE for node):
${ports.join('\n')}
  --outputs-file F            where to write the outputs file (default ${DEFAULT_OUTPUTS_FILE}): the stack
                              outputs as \`cdk deploy --outputs-file\` writes them, plus Region,
                              AppClientSecret, CaFile (the CA as PEM, written next to it as sandbox-ca.pem),
                              one <Name>Endpoint key per endpoint, and a Sandbox section (region,
                              credentials, SDK endpoints): npm run admin -- <command> --outputs-file F
                              needs nothing else
  --faults JSON|FILE          fault rules from the start, as the control API takes them, e.g.
                              '[{"operation":"iot:AttachPolicy","throttleTps":1}]'
                              (fields: operation, throttleTps > 0, failNext >= 0, failWith throttle|internal,
                              loseResponseNext >= 0)
  --cors-origin O[,O...]      let a web app on origin O (scheme://host[:port], no wildcard) call the
                              HTTP API from a browser: CORS as -c corsOrigins configures it on the
                              stack; repeatable (default: no CORS, OPTIONS is routed like any method)
  -h, --help                  this text

Environment:
  IOT_ONBOARDING_BUNDLE_CACHE=off   bundle the functions at every start instead of reusing
                              node_modules/.cache/sandbox-lambda while their sources are unchanged
`;
}

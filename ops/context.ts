import { readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoT } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../functions/shared/aws/clients';
import { stackOutputsOf, type StackOutputKey } from '../functions/shared/stack-outputs';
import { endpointVariable, sandboxSectionOf, type SandboxEndpointService, type SandboxSection } from './sandbox-outputs';
import { OPTIONAL_TARGET_SOURCES, TARGET_SOURCES, type TargetField } from './target-sources';
import { CliError } from './output';
import { errorMessage } from '../functions/shared/aws/error-name';
import { GATE_NAMES, type GateName, type QuotaGatesOutput } from '../functions/shared/gates/gates';
import * as z from 'zod/mini';

/** The deployment the CLI operates on: stack outputs, or the same values from flags or env. */
export interface Targets {
  readonly stateMachineArn: string;
  readonly offboardingStateMachineArn: string;
  readonly userPoolId: string;
  readonly identityPoolId: string;
  readonly developerProviderName: string;
  readonly iotPolicyName: string;
  readonly onboardingVersion: string;
  /** The device policy `devices register` attaches to each certificate. */
  readonly devicePolicyName: string;
  /** Every quota gate's queues and rate (`queue`): the `QuotaGates` output. */
  readonly gates: QuotaGatesOutput;
  /** The web app's public client (`users sign-in` signs in with it, as the app does); absent for some adopted pools. */
  readonly webAppClientId?: string;
  readonly region: string;
  readonly account: string;
  /**
   * The sandbox a sandbox's outputs file points at (its Sandbox section, ops/sandbox-outputs.ts):
   * the clients sign with its credentials and reach its endpoints. Never set for AWS.
   */
  readonly sandbox?: SandboxSection;
}

export interface Clients {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly cognitoIdp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  /** The aggregated client: `send` for any command, and the methods the shared cores call (iot-control-plane/api.ts). */
  readonly iot: Pick<IoT, 'send' | 'describeThing' | 'updateThing' | 'listThings' | 'listTargetsForPolicy'>;
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly cloudwatch: Pick<CloudWatchClient, 'send'>;
  /** The data plane: the account's ATS endpoint by default (data-ats.iot.<region>.amazonaws.com). */
  readonly iotData: Pick<IoTDataPlaneClient, 'send'>;
  /**
   * The services' time as the SDK measured it from the answers' `Date` headers (its clock skew
   * correction), for time windows such as `queue`'s metrics; default the machine's clock.
   */
  readonly serviceNow?: () => number;
}

/** The stack outputs the CLI reads (each must be one the stack declares). */
export const OUTPUTS_READ: readonly StackOutputKey[] = [...Object.values(TARGET_SOURCES), ...Object.values(OPTIONAL_TARGET_SOURCES)].map((s) => s.output);

export interface TargetOptions {
  readonly stack?: string;
  readonly outputsFile?: string;
  readonly region?: string;
}

/**
 * Finds the deployment: `--stack` reads CloudFormation outputs, `--outputs-file` reads
 * `cdk deploy --outputs-file` JSON (the sandbox writes one too, with a Sandbox section that makes
 * the file alone enough), and the IOT_ONBOARDING_* variables fill or override single values.
 */
export async function resolveTargets(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): Promise<Targets> {
  let found: FileOutputs = { outputs: {} };
  const file = options.outputsFile ?? env.IOT_ONBOARDING_OUTPUTS_FILE;
  if (options.stack) found = { outputs: await stackOutputs(options.stack, options.region) };
  else if (file) found = outputsFromFile(file);
  const { outputs, sandbox } = found;

  const value = (key: TargetField): string => {
    const source = TARGET_SOURCES[key];
    const found = env[source.env] ?? outputs[source.output];
    if (!found) {
      throw new CliError(
        `Cannot find ${key}: pass --stack <name>, --outputs-file <file>, or set ${source.env}`,
      );
    }
    return found;
  };
  const stateMachineArn = value('stateMachineArn');
  const arnParts = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:.+$/.exec(stateMachineArn);
  if (!arnParts) throw new CliError(`"${stateMachineArn}" is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)`);
  return {
    stateMachineArn,
    offboardingStateMachineArn: value('offboardingStateMachineArn'),
    userPoolId: value('userPoolId'),
    identityPoolId: value('identityPoolId'),
    developerProviderName: value('developerProviderName'),
    iotPolicyName: value('iotPolicyName'),
    onboardingVersion: value('onboardingVersion'),
    devicePolicyName: value('devicePolicyName'),
    gates: parseGates(value('gates')),
    ...optionalTargets(env, outputs),
    region: arnParts[1] as string,
    account: arnParts[2] as string,
    ...(sandbox ? { sandbox } : {}),
  };
}

function optionalTargets(env: NodeJS.ProcessEnv, outputs: Readonly<Record<string, string | undefined>>): { webAppClientId?: string } {
  const source = OPTIONAL_TARGET_SOURCES.webAppClientId;
  const webAppClientId = env[source.env] ?? outputs[source.output];
  return webAppClientId ? { webAppClientId } : {};
}

const endpointsSchema = z.object({ queueUrl: z.url(), deadLetterQueueUrl: z.url(), ratePerSecond: z.number().check(z.positive()) });
const gatesSchema = z.object(Object.fromEntries(GATE_NAMES.map((name) => [name, endpointsSchema])) as Record<GateName, typeof endpointsSchema>);

/** The `QuotaGates` output: JSON with every gate's queues and rate. */
function parseGates(text: string): QuotaGatesOutput {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`The QuotaGates output is not JSON: ${text.slice(0, 80)}`);
  }
  const parsed = gatesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`The QuotaGates output must name every gate (${GATE_NAMES.join(', ')}) with queueUrl, deadLetterQueueUrl and ratePerSecond: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

async function stackOutputs(stackName: string, region: string | undefined): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient(clientConfig(region ? { region } : {}));
  const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = out.Stacks?.[0];
  if (!stack) throw new CliError(`Stack ${stackName} not found`);
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

interface FileOutputs {
  readonly outputs: Readonly<Record<string, string>>;
  readonly sandbox?: SandboxSection;
}

function outputsFromFile(path: string): FileOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`Cannot read outputs file ${path}: ${errorMessage(error)}`);
  }
  let first: Record<string, string>;
  try {
    first = stackOutputsOf(parsed, undefined);
  } catch (error) {
    throw new CliError(`Outputs file ${path}: ${errorMessage(error)}`);
  }
  const sandbox = sandboxSectionOf(first as Record<string, unknown>);
  if (sandbox instanceof Error) throw new CliError(`Outputs file ${path} has a Sandbox section that is not a sandbox's: ${sandbox.message}`);
  return { outputs: first as Record<string, string>, ...(sandbox ? { sandbox } : {}) };
}

/**
 * SDK clients for the CLI. Against AWS: the default credential chain, endpoint variables honoured.
 * Against a sandbox's outputs file: its credentials and endpoints, so the file alone is enough;
 * an `AWS_ENDPOINT_URL_<SERVICE>` set in the environment still redirects that one service.
 */
export function createClients(targets: Pick<Targets, 'region' | 'sandbox'>, env: NodeJS.ProcessEnv = process.env): Clients {
  const { region, sandbox } = targets;
  const credentials = sandbox ? { credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey } } : {};
  const config = (service: SandboxEndpointService) => {
    const endpoint = sandbox ? (env[endpointVariable(service)] ?? sandbox.endpoints[service]) : undefined;
    return clientConfig({ region, requestTimeoutMs: 10_000, maxAttempts: 5, ...credentials, ...(endpoint ? { endpoint } : {}) });
  };
  const sqs = new SQSClient(config('SQS'));
  return {
    sfn: new SFNClient(config('SFN')),
    cognitoIdp: new CognitoIdentityProviderClient(config('COGNITO_IDENTITY_PROVIDER')),
    cognitoIdentity: new CognitoIdentityClient(config('COGNITO_IDENTITY')),
    iot: new IoT(config('IOT')),
    iotData: new IoTDataPlaneClient(config('IOT_DATA_PLANE')),
    sqs,
    cloudwatch: new CloudWatchClient(config('CLOUDWATCH')),
    serviceNow: () => Date.now() + sqs.config.systemClockOffset,
  };
}

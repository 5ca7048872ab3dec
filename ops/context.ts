import { readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoT } from '@aws-sdk/client-iot';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../functions/shared/aws/clients';
import { StackOutputs, type StackOutputKey } from '../functions/shared/stack-outputs';
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
  readonly region: string;
  readonly account: string;
}

export interface Clients {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly cognitoIdp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly cognitoIdentity: Pick<CognitoIdentityClient, 'send'>;
  /** The aggregated client: `send` for any command, and the methods the shared cores call (iot-control-plane/api.ts). */
  readonly iot: Pick<IoT, 'send' | 'describeThing' | 'updateThing' | 'listThings' | 'listTargetsForPolicy'>;
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly cloudwatch: Pick<CloudWatchClient, 'send'>;
  /**
   * The services' time as the SDK measured it from the answers' `Date` headers (its clock skew
   * correction), for time windows such as `queue`'s metrics; default the machine's clock.
   */
  readonly serviceNow?: () => number;
}

/** Stack output keys → target fields, and the env variables that can stand in for them. */
const SOURCES: Record<keyof Omit<Targets, 'region' | 'account' | 'gates'> | 'gates', { output: StackOutputKey; env: string }> = {
  stateMachineArn: { output: StackOutputs.StateMachineArn, env: 'IOT_ONBOARDING_STATE_MACHINE_ARN' },
  offboardingStateMachineArn: { output: StackOutputs.OffboardingStateMachineArn, env: 'IOT_ONBOARDING_OFFBOARDING_STATE_MACHINE_ARN' },
  userPoolId: { output: StackOutputs.UserPoolId, env: 'IOT_ONBOARDING_USER_POOL_ID' },
  identityPoolId: { output: StackOutputs.IdentityPoolId, env: 'IOT_ONBOARDING_IDENTITY_POOL_ID' },
  developerProviderName: { output: StackOutputs.DeveloperProviderName, env: 'IOT_ONBOARDING_DEVELOPER_PROVIDER_NAME' },
  iotPolicyName: { output: StackOutputs.IotPolicyName, env: 'IOT_ONBOARDING_POLICY_NAME' },
  onboardingVersion: { output: StackOutputs.OnboardingVersion, env: 'IOT_ONBOARDING_VERSION' },
  devicePolicyName: { output: StackOutputs.DevicePolicyName, env: 'IOT_ONBOARDING_DEVICE_POLICY_NAME' },
  gates: { output: StackOutputs.QuotaGates, env: 'IOT_ONBOARDING_QUOTA_GATES' },
};

/** The stack outputs the CLI reads (each must be one the stack declares). */
export const OUTPUTS_READ: readonly StackOutputKey[] = Object.values(SOURCES).map((s) => s.output);

export interface TargetOptions {
  readonly stack?: string;
  readonly outputsFile?: string;
  readonly region?: string;
}

/**
 * Finds the deployment: `--stack` reads CloudFormation outputs, `--outputs-file` reads
 * `cdk deploy --outputs-file` JSON (the sandbox writes one too), and the IOT_ONBOARDING_*
 * variables fill or override single values.
 */
export async function resolveTargets(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): Promise<Targets> {
  let outputs: Record<string, string> = {};
  if (options.stack) outputs = await stackOutputs(options.stack, options.region);
  else if (options.outputsFile) outputs = outputsFromFile(options.outputsFile);
  else if (env.IOT_ONBOARDING_OUTPUTS_FILE) outputs = outputsFromFile(env.IOT_ONBOARDING_OUTPUTS_FILE);

  const value = (key: keyof typeof SOURCES): string => {
    const source = SOURCES[key];
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
    region: arnParts[1] as string,
    account: arnParts[2] as string,
  };
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

function outputsFromFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`Cannot read outputs file ${path}: ${errorMessage(error)}`);
  }
  // `cdk deploy --outputs-file` writes { "<StackName>": { "<OutputKey>": "<value>" } }.
  const stacks = Object.values(parsed as Record<string, unknown>);
  const first = stacks[0];
  if (stacks.length !== 1 || typeof first !== 'object' || first === null) {
    throw new CliError(`Outputs file ${path} must hold exactly one stack's outputs`);
  }
  return first as Record<string, string>;
}

/** SDK clients for the CLI: default credential chain, endpoint variables honoured. */
export function createClients(region: string): Clients {
  const config = clientConfig({ region, requestTimeoutMs: 10_000, maxAttempts: 5 });
  const sqs = new SQSClient(config);
  return {
    sfn: new SFNClient(config),
    cognitoIdp: new CognitoIdentityProviderClient(config),
    cognitoIdentity: new CognitoIdentityClient(config),
    iot: new IoT(config),
    sqs,
    cloudwatch: new CloudWatchClient(config),
    serviceNow: () => Date.now() + sqs.config.systemClockOffset,
  };
}

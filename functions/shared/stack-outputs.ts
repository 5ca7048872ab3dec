/**
 * The stack's outputs: one key per value a client or operator reads. lib/ declares each as a
 * CfnOutput, the sandbox writes the same keys to its outputs file, and the admin CLI
 * (ops/context.ts) reads them from CloudFormation or a `cdk deploy --outputs-file` JSON.
 */
export const StackOutputs = {
  UserPoolId: 'UserPoolId',
  UserPoolClientId: 'UserPoolClientId',
  /** The web app's public app client (no secret; SRP and refresh): web/src/config.ts reads it. */
  WebAppClientId: 'WebAppClientId',
  IdentityPoolId: 'IdentityPoolId',
  DeveloperProviderName: 'DeveloperProviderName',
  IotPolicyName: 'IotPolicyName',
  DevicePolicyName: 'DevicePolicyName',
  StateMachineArn: 'StateMachineArn',
  OnboardingVersion: 'OnboardingVersion',
  ApiUrl: 'ApiUrl',
  IotDataEndpoint: 'IotDataEndpoint',
  CustomAuthorizerName: 'CustomAuthorizerName',
  OffboardingStateMachineArn: 'OffboardingStateMachineArn',
  /**
   * Every quota gate's queue, dead-letter queue and rate, as JSON (`npm run admin -- queue`):
   * `{"attach": {"queueUrl", "deadLetterQueueUrl", "ratePerSecond"}, "detach": {...}, "user-lookup": {...}}`
   * (functions/shared/gates/gates.ts, GateEndpoints).
   */
  QuotaGates: 'QuotaGates',
  /**
   * Where the web app is served, `https://<CloudFront domain>` (also its origin: no path, no
   * slash). Only with web hosting (`-c webHosting=true`, lib/constructs/web-hosting.ts).
   */
  WebAppUrl: 'WebAppUrl',
} as const;

export type StackOutputKey = (typeof StackOutputs)[keyof typeof StackOutputs];

/** The outputs a deployment has only when an option turns them on. */
export const OPTIONAL_STACK_OUTPUTS = [StackOutputs.WebAppUrl] as const;

type OptionalStackOutputKey = (typeof OPTIONAL_STACK_OUTPUTS)[number];

/** Every output with its value, as the sandbox writes them; the optional ones when their option is on. */
export type StackOutputValues = Record<Exclude<StackOutputKey, OptionalStackOutputKey>, string> & Partial<Record<OptionalStackOutputKey, string>>;

/** The outputs of `stack` in a `cdk deploy --outputs-file` file, or of its only stack: the
 * one reading of that file, for the admin CLI, `npm run device` and `npm run web:config`. */
export function stackOutputsOf(file: unknown, stack: string | undefined): Record<string, string> {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new Error('the outputs file must hold a JSON object: { "<stack>": { "<output>": "<value>" } }');
  const stacks = file as Record<string, Record<string, string>>;
  const names = Object.keys(stacks);
  const name = stack ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) throw new Error(`the outputs file holds ${names.length} stacks (${names.join(', ') || 'none'}), not one: name the stack to read`);
  const outputs: unknown = stacks[name];
  if (outputs === undefined) throw new Error(`the outputs file has no stack "${name}" (it has ${names.join(', ')})`);
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) throw new Error(`the outputs of stack "${name}" must be a JSON object`);
  return outputs as Record<string, string>;
}


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

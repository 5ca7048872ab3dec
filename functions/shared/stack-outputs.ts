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
} as const;

export type StackOutputKey = (typeof StackOutputs)[keyof typeof StackOutputs];

/** Every output with its value, as the sandbox writes them. */
export type StackOutputValues = Record<StackOutputKey, string>;

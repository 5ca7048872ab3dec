import { StackOutputs, type StackOutputKey, type StackOutputValues } from '../functions/shared/stack-outputs';

/**
 * Where each value the admin CLI needs comes from: the stack output that holds it, and the
 * `IOT_ONBOARDING_*` variable that can stand in for it (or override it). `npm start -- --serve`
 * prints these variables for its own deployment ({@link targetEnvironment}).
 */
export const TARGET_SOURCES = {
  stateMachineArn: { output: StackOutputs.StateMachineArn, env: 'IOT_ONBOARDING_STATE_MACHINE_ARN' },
  offboardingStateMachineArn: { output: StackOutputs.OffboardingStateMachineArn, env: 'IOT_ONBOARDING_OFFBOARDING_STATE_MACHINE_ARN' },
  userPoolId: { output: StackOutputs.UserPoolId, env: 'IOT_ONBOARDING_USER_POOL_ID' },
  identityPoolId: { output: StackOutputs.IdentityPoolId, env: 'IOT_ONBOARDING_IDENTITY_POOL_ID' },
  developerProviderName: { output: StackOutputs.DeveloperProviderName, env: 'IOT_ONBOARDING_DEVELOPER_PROVIDER_NAME' },
  iotPolicyName: { output: StackOutputs.IotPolicyName, env: 'IOT_ONBOARDING_POLICY_NAME' },
  onboardingVersion: { output: StackOutputs.OnboardingVersion, env: 'IOT_ONBOARDING_VERSION' },
  devicePolicyName: { output: StackOutputs.DevicePolicyName, env: 'IOT_ONBOARDING_DEVICE_POLICY_NAME' },
  gates: { output: StackOutputs.QuotaGates, env: 'IOT_ONBOARDING_QUOTA_GATES' },
} as const satisfies Record<string, { output: StackOutputKey; env: `IOT_ONBOARDING_${string}` }>;

export type TargetField = keyof typeof TARGET_SOURCES;

/** Targets a deployment may lack: the web app's public client (an adopted pool whose first client has a secret has none). */
export const OPTIONAL_TARGET_SOURCES = {
  webAppClientId: { output: StackOutputs.WebAppClientId, env: 'IOT_ONBOARDING_WEB_APP_CLIENT_ID' },
} as const satisfies Record<string, { output: StackOutputKey; env: `IOT_ONBOARDING_${string}` }>;

/** The `IOT_ONBOARDING_*` variables that point the admin CLI at a deployment with these outputs. */
export function targetEnvironment(outputs: Readonly<StackOutputValues>): Record<(typeof TARGET_SOURCES)[TargetField]['env'], string> {
  const optional = Object.values(OPTIONAL_TARGET_SOURCES).flatMap((s) => (outputs[s.output] ? [[s.env, outputs[s.output]]] : []));
  return Object.fromEntries([...Object.values(TARGET_SOURCES).map((s) => [s.env, outputs[s.output]]), ...optional]) as Record<(typeof TARGET_SOURCES)[TargetField]['env'], string>;
}

import { fileURLToPath } from 'node:url';
import { readDefinition, renderDefinition } from './render';

/**
 * The `${...}` placeholders of `onboarding.asl.json`. CDK fills them with resource ARNs and
 * names; the sandbox fills them with its own. Keep this interface and the ASL in step: the
 * renderer refuses a definition with a placeholder left over or a key it does not know.
 */
export interface OnboardingSubstitutions {
  readonly ResolveIdentityFunctionArn: string;
  readonly PublishWelcomeFunctionArn: string;
  readonly IotPolicyName: string;
  readonly UserPoolId: string;
}

/** The onboarding workflow's state names, as they appear in the ASL and in execution history. */
export const OnboardingStates = {
  ResolveIdentity: 'ResolveIdentity',
  AttachPolicy: 'AttachPolicy',
  PublishWelcome: 'PublishWelcome',
  MarkOnboarded: 'MarkOnboarded',
} as const;

export const ONBOARDING_ASL_PATH = fileURLToPath(new URL('./onboarding.asl.json', import.meta.url));

/** Fills the ASL's placeholders; throws naming any placeholder without a value. */
export function renderOnboardingDefinition(
  substitutions: OnboardingSubstitutions,
  template: string = readDefinition(ONBOARDING_ASL_PATH),
): string {
  return renderDefinition('onboarding.asl.json', substitutions, template);
}

import { definitionRenderer } from './render';

/**
 * The `${...}` placeholders of `onboarding.asl.json`. CDK fills them with resource ARNs and
 * names; the sandbox fills them with its own. Keep this interface and the ASL in step: the
 * renderer refuses a definition with a placeholder left over or a key it does not know.
 */
export interface OnboardingSubstitutions {
  readonly ResolveIdentityFunctionArn: string;
  readonly PublishWelcomeFunctionArn: string;
  readonly AttachQueueUrl: string;
  readonly UserPoolId: string;
}

/** The onboarding workflow's state names, as they appear in the ASL and in execution history. */
export const OnboardingStates = {
  ResolveIdentity: 'ResolveIdentity',
  AttachPolicy: 'AttachPolicy',
  PublishWelcome: 'PublishWelcome',
  MarkOnboarded: 'MarkOnboarded',
} as const;

/** Fills the ASL's placeholders; throws naming any placeholder without a value. */
export const renderOnboardingDefinition = definitionRenderer<OnboardingSubstitutions>('onboarding.asl.json');

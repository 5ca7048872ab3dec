import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Fills the ASL's placeholders; throws naming any placeholder without a value. */
export function renderOnboardingDefinition(
  substitutions: OnboardingSubstitutions,
  template: string = readFileSync(ONBOARDING_ASL_PATH, 'utf8'),
): string {
  const values: Record<string, string> = { ...substitutions };
  const missing = new Set<string>();
  const rendered = template.replace(PLACEHOLDER, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    // Values land inside JSON strings: escape them as JSON would.
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new Error(`onboarding.asl.json placeholders without a value: ${[...missing].join(', ')}`);
  }
  return rendered;
}

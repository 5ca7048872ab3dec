import * as z from 'zod/mini';

/** User attributes the workflow writes; app clients can read them but not write them. */
export const ONBOARDED_ATTRIBUTE = 'custom:iot_onboarded';
export const IDENTITY_ID_ATTRIBUTE = 'custom:identity_id';

/** Execution input. Deterministic for a user and version, so duplicate starts are no-ops. */
export const onboardingInputSchema = z.object({
  username: z.string().check(z.minLength(1), z.maxLength(128)),
  sub: z.uuid(),
  onboardingVersion: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,16}$/)),
});
export type OnboardingInput = z.infer<typeof onboardingInputSchema>;

const EXECUTION_NAME_PREFIX = 'onboard-';

/**
 * `onboard-<sub>-v<version>`: the same for every sign-in of a user at a version, so Cognito's
 * retries and concurrent sign-ins cannot start a second execution (StartExecution with a
 * running execution's name and input returns that execution; with a closed one it fails with
 * ExecutionAlreadyExists). At most 80 characters (StartExecution's name limit).
 */
export function executionName(sub: string, onboardingVersion: string): string {
  return `${EXECUTION_NAME_PREFIX}${sub}-v${onboardingVersion}`;
}

/**
 * The name of the execution that replaces one which can no longer be redriven. Derived from the
 * closed execution's stop time, so concurrent sign-ins that find the same closed execution
 * converge on one replacement.
 */
export function replacementExecutionName(closedName: string, stoppedAt: Date): string {
  const base = closedName.replace(/-r\d+$/, '');
  return `${base}-r${Math.floor(stoppedAt.getTime() / 1000)}`;
}

/**
 * What offboarding writes to `custom:iot_onboarded` of a user who still exists (disabled):
 * `off-<epoch seconds>`. No onboarding version may start with `off-`.
 */
export function offboardedMarker(at: Date): string {
  return `off-${Math.floor(at.getTime() / 1000)}`;
}

/** When offboarding wrote `custom:iot_onboarded` ({@link offboardedMarker}); undefined for a version or nothing. */
export function offboardedMarkerTime(onboardedAttribute: string | undefined): Date | undefined {
  const seconds = /^off-(\d{1,12})$/.exec(onboardedAttribute ?? '')?.[1];
  return seconds === undefined ? undefined : new Date(Number(seconds) * 1000);
}

/**
 * The onboarding execution a user needs, given their `custom:iot_onboarded`: the deterministic
 * `onboard-<sub>-v<version>`, or, after an offboarding, a fresh name derived from the marker (the
 * first name's execution already SUCCEEDED and must not be taken for this onboarding). Every
 * starter (trigger, API) uses this, so all converge on one execution.
 */
export function onboardingExecutionNameFor(sub: string, onboardingVersion: string, onboardedAttribute: string | undefined): string {
  const offboardedAt = offboardedMarkerTime(onboardedAttribute);
  const base = executionName(sub, onboardingVersion);
  return offboardedAt ? `${base}-r${offboardedAt.getTime() / 1000}` : base;
}

/** The welcome written to the user's own shadow (thing name = identity id). */
export function welcomeReportedState(username: string, onboardingVersion: string) {
  return {
    welcome: {
      message: `Welcome to AWS IoT Core, ${username}`,
      onboardingVersion,
    },
  };
}

import type { UserType } from '@aws-sdk/client-cognito-identity-provider';
import { ONBOARDED_ATTRIBUTE } from '../../functions/shared/workflows/onboarding';

/** Why backfill leaves a user alone: `status:<UserStatus>` when not CONFIRMED. */
export type SkipReason = 'disabled' | 'no-sub' | `status:${string}`;

/** What backfill does with one user of a ListUsers page. */
export type Classification =
  | { readonly kind: 'start'; readonly username: string; readonly sub: string; readonly onboardedAttribute?: string }
  | { readonly kind: 'onboarded'; readonly username: string }
  | { readonly kind: 'skip'; readonly username: string; readonly reason: SkipReason };

/**
 * The users a sign-in would onboard, and only those: confirmed (the post-authentication trigger
 * runs on a completed sign-in) and enabled, whose `custom:iot_onboarded` is not this deployment's
 * version (the trigger's own test). An offboarding marker (`off-…`) is passed on: it picks the
 * execution name, as it does for the trigger.
 */
export function classifyUser(user: UserType, onboardingVersion: string): Classification {
  const username = user.Username ?? '';
  const attributes = new Map((user.Attributes ?? []).map((a) => [a.Name ?? '', a.Value ?? '']));
  if (user.UserStatus !== 'CONFIRMED') return { kind: 'skip', username, reason: `status:${user.UserStatus ?? 'UNKNOWN'}` };
  if (user.Enabled === false) return { kind: 'skip', username, reason: 'disabled' };
  const onboarded = attributes.get(ONBOARDED_ATTRIBUTE);
  if (onboarded === onboardingVersion) return { kind: 'onboarded', username };
  const sub = attributes.get('sub');
  if (!sub || !username) return { kind: 'skip', username, reason: 'no-sub' };
  return { kind: 'start', username, sub, ...(onboarded ? { onboardedAttribute: onboarded } : {}) };
}

/** ListUsers' AttributesToGet: only what `classifyUser` reads (Enabled and UserStatus always come). */
export const ATTRIBUTES_READ = ['sub', ONBOARDED_ATTRIBUTE];

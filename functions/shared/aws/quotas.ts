/**
 * The account-wide request-rate quotas the product spends, in one place. Every figure is per AWS
 * account and Region, shared by every user pool, every function and every warm instance: a cache
 * or a pacer inside one Lambda instance bounds only that instance's share.
 */

/**
 * Cognito user pools: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
 * ("Amazon Cognito user pools API operation categories and request rate quotas").
 */
export const CognitoQuotas = {
  /** ListUsers (category UserList): 30 RPS, not adjustable. Offboarding and the reconciler look users up with it. */
  userListRps: 30,
  /** AdminGetUser (category UserRead): 120 RPS by default. The trust checks of the API and the authorizer. */
  userReadRps: 120,
  /**
   * The user-management operations (category UserUpdate: AdminDeleteUser, AdminDisableUser and
   * AdminUpdateUserAttributes among them): 25 RPS, not adjustable. Users cannot be deleted or
   * disabled faster than this, so offboardings cannot START faster on average either.
   */
  userUpdateRps: 25,
} as const;

/**
 * AWS IoT Core control plane: https://docs.aws.amazon.com/general/latest/gr/iot-core.html
 * ("AWS IoT Core API throttling limits").
 */
export const IotQuotas = {
  /** AttachPolicy: 15 requests per second per account (adjustable). */
  attachPolicyTps: 15,
  /** DetachPolicy: 15 requests per second per account (adjustable). */
  detachPolicyTps: 15,
} as const;

/**
 * Who spends ListUsers, and the share each may take. Sustained offboarding follows deletions and
 * disables (at most UserUpdate's 25 RPS); the reconciler's default pace takes the rest, so the
 * two together stay within the 30 RPS. CloudTrail delivers events in batches, so offboardings can
 * bunch up for a while: their workflow retries throttling with backoff long enough to outlast
 * 10,000 at once (statemachines/offboarding.asl.json, ResolveIdentity; pinned in
 * test/unit/statemachines/offboarding-retry-policy.test.ts). A reconciler paced above its default share is
 * allowed up to RECONCILE_RATE_MAX: during such a burst it then retries throttled lookups too.
 */
export const ListUsersShares = {
  offboarding: CognitoQuotas.userUpdateRps,
  reconcilerDefault: CognitoQuotas.userListRps - CognitoQuotas.userUpdateRps,
} as const;

/** The reconciler's highest pace (identities, so ListUsers calls, per second): half the quota. */
export const RECONCILE_RATE_MAX = CognitoQuotas.userListRps / 2;

/** Why a reconciler pace cannot be used, or undefined when it can (the CDK prop is checked with it). */
export function reconcileRateProblem(rate: number): string | undefined {
  if (rate > 0 && rate <= RECONCILE_RATE_MAX) return undefined;
  return `reconcileRate must be more than 0 and at most ${RECONCILE_RATE_MAX} identities per second (half the account's ${CognitoQuotas.userListRps} RPS ListUsers quota); got ${rate}`;
}

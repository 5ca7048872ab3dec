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
 * Who spends ListUsers: the user-lookup gate (functions/shared/gates/gates.ts) for offboarding and
 * the scheduled reconciler together, at its rate (default 20); an operator's on-demand
 * `admin reconcile` checks outside the gate at its own pace, at most the rest of the quota.
 */
export const ListUsersShares = {
  /** The user-lookup gate's default rate. */
  gate: 20,
  /** `admin reconcile`'s default pace (identities, so ListUsers calls, per second). */
  operatorDefault: 5,
} as const;

/** `admin reconcile`'s highest pace: what the gate's default leaves of the quota. */
export const RECONCILE_RATE_MAX = CognitoQuotas.userListRps - ListUsersShares.gate;

/** Why an on-demand reconcile pace cannot be used, or undefined when it can. */
export function reconcileRateProblem(rate: number): string | undefined {
  if (rate > 0 && rate <= RECONCILE_RATE_MAX) return undefined;
  return `--rate must be more than 0 and at most ${RECONCILE_RATE_MAX} identities per second (what the user-lookup gate's ${ListUsersShares.gate} leaves of the account's ${CognitoQuotas.userListRps} RPS ListUsers quota); got ${rate}`;
}

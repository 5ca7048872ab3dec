/**
 * The account-wide request-rate quotas the product spends, in one place. Every figure is per AWS
 * account and Region, shared by every user pool, every function and every warm instance: a cache
 * or a pacer inside one Lambda instance bounds only that instance's share. Where a figure differs
 * by Region, the one given is US East (N. Virginia)'s; docs/capacity.md says where each was read.
 */

/** The AWS pages the figures below come from (each figure cites its page again). */
export const QuotaPages = {
  cognito: 'https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html',
  iotCore: 'https://docs.aws.amazon.com/general/latest/gr/iot-core.html',
  stepFunctions: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html',
  lookupDeveloperIdentity: 'https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_LookupDeveloperIdentity.html',
} as const;

/**
 * Cognito user pools: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
 * ("Amazon Cognito user pools API operation categories and request rate quotas").
 */
export const CognitoQuotas = {
  /**
   * InitiateAuth (sign-in and REFRESH_TOKEN_AUTH alike) and AdminInitiateAuth (category
   * UserAuthentication): 120 RPS, adjustable (raise the Service Quotas max, then set the
   * provisioned limit with UpdateProvisionedLimit; capacity above the default is billed).
   */
  userAuthenticationRps: 120,
  /**
   * RespondToAuthChallenge and AdminRespondToAuthChallenge count against a separate allowance of
   * 3 × UserAuthentication ("special request rate handling"); only calls beyond it count against
   * UserAuthentication itself.
   */
  challengeResponseFactor: 3,
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
 * Cognito identity pools: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
 * ("Amazon Cognito identity pools (federated identities) API operation request rate quotas").
 * The page gives the lowest Region's figure ("Your RPS quota might be higher in some Regions");
 * increases go through the account team.
 */
export const CognitoIdentityQuotas = {
  /** 50 RPS (an earlier version of the page said 200). Resolving an identity: onboarding, GET /iot/credentials, the command API's credential cache. */
  getOpenIdTokenForDeveloperIdentityRps: 50,
  /** 200 RPS. The app's credentials, and the command API's own per user. */
  getCredentialsForIdentityRps: 200,
  /** 10 RPS. Offboarding's RemoveIdentity. */
  deleteIdentitiesRps: 10,
  /**
   * LookupDeveloperIdentity has no published figure: the API reference calls it a low-throughput
   * control-plane operation whose high-volume callers "are likely to be throttled"
   * (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_LookupDeveloperIdentity.html).
   */
  lookupDeveloperIdentityRps: undefined,
} as const;

/**
 * AWS IoT Core: https://docs.aws.amazon.com/general/latest/gr/iot-core.html ("AWS IoT Core API
 * throttling limits" for the control plane; "message broker and protocol limits" for the rest).
 */
export const IotQuotas = {
  /** AttachPolicy: 15 requests per second per account (adjustable). */
  attachPolicyTps: 15,
  /** DetachPolicy: 15 requests per second per account (adjustable). */
  detachPolicyTps: 15,
  /** ListThings: 10 TPS (adjustable). Offboarding lists the devices a user owns and those being released. */
  listThingsTps: 10,
  /** DescribeThing: 350 TPS (adjustable). The command API's ownership check, cached 30 s per instance. */
  describeThingTps: 350,
  /** MQTT CONNECT requests per second per account: 3,000 (adjustable; lower in smaller Regions; an older version of the page said 500). */
  connectsPerSecond: 3_000,
  /** Maximum concurrent client connections per account: 500,000 (adjustable). */
  concurrentConnections: 500_000,
  /**
   * Inbound publish requests per second per account: 20,000 (adjustable). Every message the broker
   * processes counts: an update to a shadow topic and its accepted, documents and delta are 4.
   */
  inboundPublishPerSecond: 20_000,
} as const;

/**
 * Step Functions, Standard workflows: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 * (token buckets; the refill rate is the sustained rate). US East (N. Virginia), US West (Oregon)
 * and Europe (Ireland); the other Regions' figures are in the comments. All adjustable.
 */
export const StepFunctionsQuotas = {
  /** StartExecution: refill 300 per second, bucket 1,300 (other Regions 150 and 800). */
  startExecutionPerSecond: 300,
  /** StateTransition: refill 5,000 per second, bucket 5,000 (other Regions 800). New accounts start lower ("AWS raises these quotas automatically based on your usage"). */
  stateTransitionsPerSecond: 5_000,
  /** SendTaskSuccess (the attach gate's answer to each waiting onboarding): refill 500 per second, bucket 3,000 (other Regions 300 and 1,500). */
  sendTaskSuccessPerSecond: 500,
} as const;

/**
 * Who spends ListUsers: the user-lookup gate (functions/shared/gates/gates.ts) for offboarding and
 * the scheduled reconciler together, at its rate (default 20); an operator's on-demand
 * `admin reconcile` and `admin backfill` call it outside the gate at their own pace, each at most
 * the rest of the quota (run them one at a time, or split the rest between them).
 */
export const ListUsersShares = {
  /** The user-lookup gate's default rate. */
  gate: 20,
  /** `admin reconcile`'s default pace (identities, so ListUsers calls, per second). */
  operatorDefault: 5,
  /** `admin backfill`'s default pace (ListUsers pages of up to 60 users per second). */
  backfillPagesDefault: 2,
} as const;

/** `admin reconcile`'s and `admin backfill`'s highest pace: what the gate's default leaves of the quota. */
export const RECONCILE_RATE_MAX = CognitoQuotas.userListRps - ListUsersShares.gate;

/** Why an on-demand reconcile pace cannot be used, or undefined when it can. */
export function reconcileRateProblem(rate: number): string | undefined {
  if (rate > 0 && rate <= RECONCILE_RATE_MAX) return undefined;
  return `--rate must be more than 0 and at most ${RECONCILE_RATE_MAX} identities per second (what the user-lookup gate's ${ListUsersShares.gate} leaves of the account's ${CognitoQuotas.userListRps} RPS ListUsers quota); got ${rate}`;
}

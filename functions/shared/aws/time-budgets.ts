/**
 * Every function's time budget, as the sum it is: the Lambda timeout lib/ sets must exceed the
 * worst case of the SDK calls the handler makes in one invocation (each call: attempts × its
 * timeouts + the longest backoff between attempts), or a hung dependency kills the function
 * mid-call instead of ending in a named error. Handlers build their SDK clients from these
 * figures (`clientConfig(budget.sdk)`), lib/ takes the timeouts from here, and
 * test/unit/functions/shared/aws/time-budgets.test.ts checks the sums.
 */

/** SDK client timeouts and attempts (see `clientConfig`). */
export interface SdkBudget {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
}

export interface FunctionBudget {
  /** The Lambda timeout. */
  readonly timeoutSeconds: number;
  readonly sdk: SdkBudget;
  /** SDK calls one invocation makes one after another, at most. */
  readonly sequentialCalls: number;
  /** An abort signal that bounds all calls of one invocation, if the core has one. */
  readonly abortAfterMs?: number;
}

/**
 * SDK v3 standard retry strategy: the wait before retry i (from 0) is random in
 * [0, min(base × 2^i, 20 s)]; the base is 1,000 ms for throttling errors, 50 ms otherwise
 * (@smithy/core util-retry, retries-2026-config). The worst case takes the throttling base.
 */
const THROTTLING_BACKOFF_BASE_MS = 1_000;
const MAX_BACKOFF_MS = 20_000;

/** Worst case of one SDK call: every attempt waits out both timeouts, every backoff is the longest. */
export function worstCaseCallMs(sdk: SdkBudget): number {
  let backoff = 0;
  for (let retry = 0; retry < sdk.maxAttempts - 1; retry++) backoff += Math.min(THROTTLING_BACKOFF_BASE_MS * 2 ** retry, MAX_BACKOFF_MS);
  return sdk.maxAttempts * (sdk.connectionTimeoutMs + sdk.requestTimeoutMs) + backoff;
}

/** Worst case of one invocation's SDK work. */
export function worstCaseInvocationMs(budget: FunctionBudget): number {
  const calls = budget.sequentialCalls * worstCaseCallMs(budget.sdk);
  return budget.abortAfterMs === undefined ? calls : Math.min(calls, budget.abortAfterMs);
}

/**
 * The SDK settings the budgets below share. `once`: one attempt, for tasks the workflow retries
 * (every task is idempotent, and a blind SDK retry of a write could apply it twice).
 */
const SDK = {
  once: { connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 1 },
  retryOnce: { connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 2 },
  /** Starters of executions, whose calls Step Functions answers quickly. */
  starter: { connectionTimeoutMs: 500, requestTimeoutMs: 1_200, maxAttempts: 2 },
  /** The onboarding tasks' settings: a 1 s connection timeout. */
  taskRetryOnce: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 2 },
  taskOnce: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 1 },
  /** Paced loops that must absorb throttling themselves (no workflow retries them). */
  paced: { connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 4 },
  /** IoT gives a custom authorizer 5 s in all: a short connect, one long request. */
  authorizer: { connectionTimeoutMs: 300, requestTimeoutMs: 3_200, maxAttempts: 1 },
} as const satisfies Record<string, SdkBudget>;

/** A budget: the Lambda timeout, the SDK settings, the sequential calls, and the optional deadline. */
function budget(timeoutSeconds: number, sdk: SdkBudget, sequentialCalls: number, abortAfterMs?: number): FunctionBudget {
  return { timeoutSeconds, sdk, sequentialCalls, ...(abortAfterMs === undefined ? {} : { abortAfterMs }) };
}

export const FunctionBudgets = {
  /**
   * Cognito waits 5 s for the trigger. Up to 9 calls (StartExecution, DescribeExecution,
   * RedriveExecution for the name and its 2 replacements) share one 3,000 ms abort signal
   * (9 × (2 × (500 + 1,200) + 1,000) = 39,600 ms, cut at 3,000): 3,000 ms < 5,000 ms.
   */
  postAuthentication: budget(5, SDK.starter, 9, 3_000),
  /**
   * One GetOpenIdTokenForDeveloperIdentity: 2 × (1,000 + 2,000) + 1,000 = 7,000 ms < 10,000 ms.
   * The workflow retries UpstreamThrottled/UpstreamUnavailable itself, so the SDK retries once.
   */
  resolveIdentity: budget(10, SDK.taskRetryOnce, 1),
  /**
   * GetThingShadow then UpdateThingShadow, no SDK retry (the workflow retries the task, which
   * re-reads the shadow first): 2 × 1 × (1,000 + 2,000) = 6,000 ms < 10,000 ms.
   */
  publishWelcome: budget(10, SDK.taskOnce, 2),
  /**
   * The longest request, a release with cold caches: AdminGetUser (trust re-validation),
   * GetOpenIdTokenForDeveloperIdentity, GetCredentialsForIdentity, DescribeThing, UpdateThing,
   * DeleteThingShadow, UpdateThingShadow: 7 × (2 × (500 + 2,000) + 1,000) = 42,000 ms, cut by
   * the handler's 24,000 ms deadline (502, the writes are idempotent) < 25,000 ms < 30,000 ms
   * (the HTTP API integration timeout). A user not onboarded yet costs AdminGetUser then the
   * ensured onboarding, cut at `API_ENSURE_ONBOARDING_MS`: 6,000 + 3,000 = 9,000 ms.
   */
  publishCommand: budget(25, SDK.retryOnce, 7, 24_000),
  /**
   * IoT gives a custom authorizer 5 s. Password mode: one InitiateAuth, which also runs the
   * post-authentication trigger (its own 3,000 ms budget) inside Cognito: 1 × (300 + 3,200) =
   * 3,500 ms; plus at most one Secrets Manager read when the cached app client secret expires
   * (`authorizerSecret`): 3,500 + 1,000 = 4,500 ms < 5,000 ms. Password mode needs no trust
   * check: InitiateAuth succeeds only for an existing, enabled, confirmed user and returns their
   * current token. Token mode: one AdminGetUser (the trust rules, cached for the re-validation
   * window): 1 × (300 + 3,200) = 3,500 ms < 5,000 ms.
   */
  iotAuthorizer: budget(5, SDK.authorizer, 1),
  /**
   * Offboarding tasks with a fixed number of calls, no SDK retry (the workflow retries the task;
   * every step is idempotent). ResolveIdentity: LookupDeveloperIdentity by sub, by identity, then
   * ListUsers: 3 × 1 × (500 + 2,000) = 7,500 ms < 10,000 ms < the task's 20 s TimeoutSeconds.
   * RemoveIdentity (1 call) and RecordResult (2 calls) fit the same budget.
   */
  offboardingTask: budget(10, SDK.once, 3),
  /**
   * DeleteShadows: one ListNamedShadowsForThing page (up to 100 names), a DeleteThingShadow per
   * named shadow and the classic one. Sized for a user with up to 5 named shadows (device twins):
   * 7 × 1 × (500 + 2,000) = 17,500 ms < 18,000 ms < the task's 20 s. A user with more runs out of
   * time part-way; the task's retry resumes where it stopped (deleted shadows are gone).
   */
  offboardDeleteShadows: budget(18, SDK.once, 7),
  /**
   * The EventBridge target: ensureExecution for the offboarding, up to 9 calls (start, describe,
   * redrive for the name and 2 replacements): 9 × (2 × (500 + 1,200) + 1,000) = 39,600 ms
   * < 45,000 ms. A failure throws and EventBridge retries the delivery.
   */
  userLifecycle: budget(45, SDK.starter, 9),
  /**
   * The reconciler runs a paced loop for up to 15 minutes and stops starting calls 30 s before
   * its deadline (`getRemainingTimeInMillis`), so at most one call is in flight at the end:
   * 1 × (2 × (500 + 2,000) + 1,000) = 6,000 ms < the 30,000 ms margin.
   */
  reconciler: budget(900, SDK.retryOnce, 1),
  /**
   * The adopted pool's trigger custom resource: DescribeUserPool, UpdateUserPool, DescribeUserPool,
   * each with the SDK's throttling retries (4 attempts): 3 × 4 × (500 + 2,000) + waits < 60 s,
   * then the answer to CloudFormation.
   */
  poolTrigger: budget(60, SDK.paced, 3),
  /**
   * The stack-deletion custom resource: rounds of ListTargetsForPolicy and DetachPolicy (paced
   * under the 15 TPS quota), ListPolicyVersions, DeletePolicyVersion and DeletePolicy, with waits
   * between rounds while DeletePolicy answers DeleteConflict, for up to 15 minutes; it stops
   * starting calls, and begins no wait that would end, `LOOP_DEADLINE_MARGIN_MS` before its
   * deadline, and answers CloudFormation FAILED with what is left, so a huge stack is finished by
   * running the delete again. The budget is checked before every call, list pages included:
   * 1 × (4 × (500 + 2,000) + 1,000 + 2,000 + 4,000) = 17,000 ms, plus the response
   * (`CFN_RESPONSE_TIMEOUT_MS`) < the 30,000 ms margin.
   */
  policyCleanup: budget(900, SDK.paced, 1),
  /**
   * A gate's consumer (functions/shared/gates/gates.ts): a batch of up to 10 messages, each one
   * call through the gate's quota then SendTaskSuccess (or SendTaskFailure), one attempt per SDK
   * call (the batch drain tries a throttled or failed call again at the gate's pace). It starts no
   * message with less than `GATE_RESERVE_MS` left: the worst case of one message is the
   * user-lookup gate's, up to three lookups (LookupDeveloperIdentity, a second look at the
   * identity's logins, ListUsers) and the answer, 4 × (500 + 2,000) = 10,000 ms; what is left of
   * the batch is delivered again. The device-release gate's message is two ListThings, then four
   * calls per device owned (DescribeThing, UpdateThing, DeleteThingShadow, UpdateThingShadow): a
   * user with several devices on a slow day can outlast the reserve, and an invocation that runs
   * out of time is delivered again whole; the release lists only what is still owned and continues.
   */
  gateWorker: budget(60, SDK.once, 2),
  /** The dead-letter consumer: one SendTaskFailure per message, up to 10: 10 × (2 × (500 + 2,000) + 1,000) = 60,000 ms < 90,000 ms. */
  gateDeadLetters: budget(90, SDK.retryOnce, 10),
} as const satisfies Record<string, FunctionBudget>;

/** A gate consumer starts no message with less than this left in its invocation (see gateWorker). */
export const GATE_RESERVE_MS = 11_000;

/**
 * Loops that run until a deadline (the reconciler, the policy cleanup) stop starting calls this
 * long before their Lambda timeout, so the call in flight ends and the function still reports.
 */
export const LOOP_DEADLINE_MARGIN_MS = 30_000;

/** The policy cleanup's PUT of its answer to CloudFormation's pre-signed URL. */
export const CFN_RESPONSE_TIMEOUT_MS = 5_000;

/** The API's self-healing onboarding (start/describe/redrive, up to 9 calls) shares one abort signal. */
export const API_ENSURE_ONBOARDING_MS = 3_000;

/** The authorizer's Secrets Manager read (cached): 1 × (300 + 700) = 1,000 ms. */
export const AUTHORIZER_SECRET_SDK: SdkBudget = { connectionTimeoutMs: 300, requestTimeoutMs: 700, maxAttempts: 1 };

/** Lambda's limit on the init phase, which the function timeout does not include. */
export const LAMBDA_INIT_LIMIT_SECONDS = 10;

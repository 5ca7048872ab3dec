/**
 * Every function's time budget, as the sum it is: the Lambda timeout lib/ sets must exceed the
 * worst case of the SDK calls the handler makes in one invocation (each call: attempts × its
 * timeouts + the longest backoff between attempts), or a hung dependency kills the function
 * mid-call instead of ending in a named error. Handlers build their SDK clients from these
 * figures (`clientConfig(budget.sdk)`), lib/ takes the timeouts from here, and
 * test/unit/time-budgets.test.ts checks the sums.
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

export const FunctionBudgets = {
  /**
   * Cognito waits 5 s for the trigger. StartExecution, DescribeExecution, RedriveExecution and
   * replacements share one 3,000 ms abort signal (a call: 2 × (500 + 1,200) + 1,000 = 4,400 ms,
   * cut at 3,000): 3,000 ms < 5,000 ms.
   */
  postAuthentication: {
    timeoutSeconds: 5,
    sdk: { connectionTimeoutMs: 500, requestTimeoutMs: 1_200, maxAttempts: 2 },
    sequentialCalls: 4,
    abortAfterMs: 3_000,
  },
  /**
   * One GetOpenIdTokenForDeveloperIdentity: 2 × (1,000 + 2,000) + 1,000 = 7,000 ms < 10,000 ms.
   * The workflow retries UpstreamThrottled/UpstreamUnavailable itself, so the SDK retries once.
   */
  resolveIdentity: {
    timeoutSeconds: 10,
    sdk: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 2 },
    sequentialCalls: 1,
  },
  /**
   * GetThingShadow then UpdateThingShadow, no SDK retry (the workflow retries the task, which
   * re-reads the shadow first): 2 × 1 × (1,000 + 2,000) = 6,000 ms < 10,000 ms.
   */
  publishWelcome: {
    timeoutSeconds: 10,
    sdk: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 1 },
    sequentialCalls: 2,
  },
  /**
   * The longest request, a release with cold caches: AdminGetUser,
   * GetOpenIdTokenForDeveloperIdentity, GetCredentialsForIdentity, DescribeThing, UpdateThing,
   * DeleteThingShadow, UpdateThingShadow: 7 × (2 × (500 + 2,000) + 1,000) = 42,000 ms, cut by
   * the handler's 24,000 ms deadline (502, the writes are idempotent) < 25,000 ms < 30,000 ms
   * (the HTTP API integration timeout).
   */
  publishCommand: {
    timeoutSeconds: 25,
    sdk: { connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 2 },
    sequentialCalls: 7,
    abortAfterMs: 24_000,
  },
  /**
   * IoT gives a custom authorizer 5 s. Password mode: one InitiateAuth, which also runs the
   * post-authentication trigger (its own 3,000 ms budget) inside Cognito: 1 × (300 + 3,200) =
   * 3,500 ms; plus at most one Secrets Manager read when the cached app client secret expires
   * (`authorizerSecret`): 3,500 + 1,000 = 4,500 ms < 5,000 ms. Token mode makes no call.
   */
  iotAuthorizer: {
    timeoutSeconds: 5,
    sdk: { connectionTimeoutMs: 300, requestTimeoutMs: 3_200, maxAttempts: 1 },
    sequentialCalls: 1,
  },
} as const satisfies Record<string, FunctionBudget>;

/** The authorizer's Secrets Manager read (cached): 1 × (300 + 700) = 1,000 ms. */
export const AUTHORIZER_SECRET_SDK: SdkBudget = { connectionTimeoutMs: 300, requestTimeoutMs: 700, maxAttempts: 1 };

/** Lambda's limit on the init phase, which the function timeout does not include. */
export const LAMBDA_INIT_LIMIT_SECONDS = 10;

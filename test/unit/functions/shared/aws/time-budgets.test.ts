import { describe, expect, it } from 'vitest';
import {
  AUTHORIZER_SECRET_SDK,
  CFN_RESPONSE_TIMEOUT_MS,
  FunctionBudgets,
  LAMBDA_INIT_LIMIT_SECONDS,
  LOOP_DEADLINE_MARGIN_MS,
  worstCaseCallMs,
  worstCaseInvocationMs,
} from '../../../../../functions/shared/aws/time-budgets';
import { onboardingDefinition } from '../../../fixtures';

describe('time budgets', () => {
  it('adds attempts × (connect + request timeout) and the longest throttling backoffs', () => {
    // 2 × (1,000 + 2,000) + 1,000 (one retry after a throttle: min(1,000 × 2^0, 20,000)).
    expect(worstCaseCallMs({ connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 2 })).toBe(7_000);
    // 3 × 4,000 + 1,000 + 2,000: the SDK defaults the handlers used before (3 attempts, 1 s + 3 s).
    expect(worstCaseCallMs({ connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 })).toBe(15_000);
  });

  it.each(Object.entries(FunctionBudgets))('gives %s a Lambda timeout above its worst-case SDK time', (_name, budget) => {
    expect(worstCaseInvocationMs(budget)).toBeLessThan(budget.timeoutSeconds * 1_000);
  });

  it('answers the IoT custom authorizer within 5 s, Cognito within about 4 s, even when the secret cache refreshes', () => {
    const budget = FunctionBudgets.iotAuthorizer;
    expect(budget.timeoutSeconds).toBe(5);
    expect(worstCaseInvocationMs(budget)).toBeLessThanOrEqual(4_000);
    expect(worstCaseInvocationMs(budget) + worstCaseCallMs(AUTHORIZER_SECRET_SDK)).toBeLessThan(5_000);
  });

  it('keeps the trigger inside the 5 s Cognito gives it', () => {
    expect(FunctionBudgets.postAuthentication.timeoutSeconds).toBeLessThanOrEqual(5);
    expect(worstCaseInvocationMs(FunctionBudgets.postAuthentication)).toBe(3_000);
  });

  it('ends the call in flight of a deadline loop, and the policy cleanup answer, inside the margin it stops at', () => {
    expect(worstCaseCallMs(FunctionBudgets.reconciler.sdk)).toBeLessThan(LOOP_DEADLINE_MARGIN_MS);
    expect(worstCaseCallMs(FunctionBudgets.policyCleanup.sdk) + CFN_RESPONSE_TIMEOUT_MS).toBeLessThan(LOOP_DEADLINE_MARGIN_MS);
  });

  it('fits the command API inside the HTTP API 30 s integration timeout', () => {
    expect(FunctionBudgets.publishCommand.timeoutSeconds).toBeLessThan(30);
  });
});

type Retrier = { ErrorEquals: string[]; IntervalSeconds: number; BackoffRate: number; MaxAttempts: number; MaxDelaySeconds: number };
type Task = { Resource: string; TimeoutSeconds?: number; Retry?: Retrier[]; Parameters: { FunctionName?: string } };
const definition = onboardingDefinition<{ TimeoutSeconds?: number; States: Record<string, Task> }>();

/**
 * A callback task's retried attempts are sends that failed (its Retry names only the send's errors;
 * the wait's States.Timeout is not retried): each is bounded by Step Functions' own call to the
 * service, taken here as a minute. Only the last attempt waits its whole TimeoutSeconds.
 */
const FAILED_SEND_SECONDS = 60;

/** Every attempt of every retrier runs to TimeoutSeconds (a callback task: see above), every wait is the longest. */
function worstCaseStateSeconds(task: Task): number {
  const retriers = task.Retry ?? [];
  const retries = retriers.reduce((sum, r) => sum + r.MaxAttempts, 0);
  const waits = retriers.reduce((sum, r) => {
    let total = 0;
    for (let k = 0; k < r.MaxAttempts; k++) total += Math.min(r.IntervalSeconds * r.BackoffRate ** k, r.MaxDelaySeconds);
    return sum + total;
  }, 0);
  const timeout = task.TimeoutSeconds ?? Number.POSITIVE_INFINITY;
  if (task.Resource.endsWith('.waitForTaskToken')) return timeout + retries * FAILED_SEND_SECONDS + waits;
  return (1 + retries) * timeout + waits;
}

describe('workflow timeouts', () => {
  it('bounds every task with TimeoutSeconds (AWS sets none by default)', () => {
    for (const [name, task] of Object.entries(definition.States)) expect({ name, timeout: task.TimeoutSeconds }).toEqual({ name, timeout: expect.any(Number) });
  });

  it('waits for a Lambda task longer than its function timeout plus the init phase', () => {
    expect(definition.States.ResolveIdentity?.TimeoutSeconds).toBeGreaterThanOrEqual(FunctionBudgets.resolveIdentity.timeoutSeconds + LAMBDA_INIT_LIMIT_SECONDS);
    expect(definition.States.PublishWelcome?.TimeoutSeconds).toBeGreaterThanOrEqual(FunctionBudgets.publishWelcome.timeoutSeconds + LAMBDA_INIT_LIMIT_SECONDS);
  });

  it('times out an execution only after every task has had its worst case', () => {
    const worst = Object.values(definition.States).reduce((sum, task) => sum + worstCaseStateSeconds(task), 0);
    expect(definition.TimeoutSeconds).toBe(25_200);
    expect(worst).toBeLessThan(25_200);
  });
});

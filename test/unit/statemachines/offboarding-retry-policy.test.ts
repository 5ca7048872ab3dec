import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CognitoQuotas, ListUsersShares, RECONCILE_RATE_MAX, reconcileRateProblem } from '../../../functions/shared/aws/quotas';
import { DetachGate, UserLookupGate } from '../../../functions/shared/gates/gates';

interface State {
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly Retry?: Array<{ ErrorEquals: string[] }>;
  readonly Parameters?: { QueueUrl?: string };
}
const definition = JSON.parse(readFileSync('statemachines/offboarding.asl.json', 'utf8')) as { TimeoutSeconds: number; States: Record<string, State> };

describe('offboarding under its account-wide quotas: ListUsers (30 RPS, not adjustable) and DetachPolicy (15 TPS)', () => {
  it('keeps the user-lookup gate and an operator reconcile at its bound within the ListUsers quota', () => {
    expect(UserLookupGate.ratePerSecond).toBe(ListUsersShares.gate);
    expect(ListUsersShares.gate + RECONCILE_RATE_MAX).toBeLessThanOrEqual(CognitoQuotas.userListRps);
    expect(DetachGate.ratePerSecond).toBeLessThan(DetachGate.quotaPerSecond);
  });

  it.each([0, -1, 11, 30, Number.NaN])('refuses an operator reconcile pace of %s identities per second, naming the bound', (rate) => {
    expect(reconcileRateProblem(rate)).toMatch(/at most 10 identities per second \(what the user-lookup gate's 20 leaves of the account's 30 RPS ListUsers quota\)/);
  });

  it('accepts the default pace and the bound itself', () => {
    expect(reconcileRateProblem(ListUsersShares.operatorDefault)).toBeUndefined();
    expect(reconcileRateProblem(RECONCILE_RATE_MAX)).toBeUndefined();
  });

  it.each([
    ['ResolveIdentity', '${UserLookupQueueUrl}'],
    ['DetachPolicy', '${DetachQueueUrl}'],
  ])('%s waits for its gate (no execution retries against the quota) and for no longer than the gate allows', (name, queue) => {
    const state = definition.States[name] as State;
    expect(state.Resource).toBe('arn:aws:states:::sqs:sendMessage.waitForTaskToken');
    expect(state.Parameters?.QueueUrl).toBe(queue);
    expect(state.TimeoutSeconds).toBe(UserLookupGate.waitTimeoutSeconds);
    expect(state.Retry?.flatMap((r) => r.ErrorEquals).every((e) => e.startsWith('SQS.'))).toBe(true);
  });

  it('gives the execution time for both waits and the rest of its steps', () => {
    expect(definition.TimeoutSeconds).toBeGreaterThan(UserLookupGate.waitTimeoutSeconds + DetachGate.waitTimeoutSeconds);
  });
});

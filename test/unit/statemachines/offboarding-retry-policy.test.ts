import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CognitoQuotas, ListUsersShares, RECONCILE_RATE_MAX, reconcileRateProblem } from '../../../functions/shared/aws/quotas';
import { simulateQuota, type Retrier } from '../../support/quota-simulation';

interface State {
  readonly Retry?: Array<Retrier & { ErrorEquals: string[] }>;
}
const definition = JSON.parse(readFileSync('statemachines/offboarding.asl.json', 'utf8')) as { TimeoutSeconds: number; States: Record<string, State> };
const throttleRetry = definition.States.ResolveIdentity?.Retry?.find((r) => r.ErrorEquals.includes('UpstreamThrottled'));

describe('offboarding under the ListUsers quota (30 RPS per account, not adjustable)', () => {
  it('keeps the sustained shares within the quota: offboarding at the deletion rate plus the reconciler at its default pace', () => {
    expect(ListUsersShares.offboarding + ListUsersShares.reconcilerDefault).toBeLessThanOrEqual(CognitoQuotas.userListRps);
    expect(RECONCILE_RATE_MAX).toBeLessThan(CognitoQuotas.userListRps);
  });

  it.each([0, -1, 16, 30, Number.NaN])('refuses a reconciler pace of %s identities per second, naming the bound', (rate) => {
    expect(reconcileRateProblem(rate)).toMatch(/at most 15 identities per second \(half the account's 30 RPS ListUsers quota\)/);
  });

  it('accepts the default pace and the bound itself', () => {
    expect(reconcileRateProblem(ListUsersShares.reconcilerDefault)).toBeUndefined();
    expect(reconcileRateProblem(RECONCILE_RATE_MAX)).toBeUndefined();
  });

  it('retries ResolveIdentity throttling on its own retrier, not on the 6 attempts of transient failures', () => {
    expect(throttleRetry).toMatchObject({ ErrorEquals: ['UpstreamThrottled'], MaxAttempts: 100, MaxDelaySeconds: 16, JitterStrategy: 'FULL' });
  });

  it.each([1_000, 10_000])('lets %i offboardings started at once all resolve, within the execution timeout', (callers) => {
    // The reconciler keeps its default share meanwhile; the offboardings get the rest.
    const rate = CognitoQuotas.userListRps - ListUsersShares.reconcilerDefault;
    const run = simulateQuota(callers, rate, throttleRetry as Retrier);
    expect(run.failed).toBe(0);
    expect(run.lastSuccessSeconds).toBeLessThan(definition.TimeoutSeconds);
  });

  it('would lose executions with the former 6 attempts: the reason for the longer retrier', () => {
    const run = simulateQuota(1_000, CognitoQuotas.userListRps - ListUsersShares.reconcilerDefault, { IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 8 });
    expect(run.failed).toBeGreaterThan(0);
  });
});

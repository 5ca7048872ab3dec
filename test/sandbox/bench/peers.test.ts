import { describe, expect, it } from 'vitest';
import { benchPeers } from '../../../bench/peers';

// Each run starts its own sandbox and creates its users; the sign-ins wait out the SDK's real
// backoff (up to 3 s a sign-in), which is what the phase measures, so no run is shortened.
describe('the peers’ pattern phase', () => {
  it('leaves no user without the policy when the quota is far above the demand', async () => {
    const figures = await benchPeers({ users: 20, tps: 10_000, concurrency: 10 });

    expect(figures.withoutPolicy).toBe(0);
    expect(figures.signInFailures).toBe(0);
    expect(figures.attachPolicy).toEqual({ calls: 20, throttled: 0, callsPerUser: 1 });
  });

  it('leaves most users without the policy, their sign-ins failed, when AttachPolicy is throttled at 1 TPS', async () => {
    const figures = await benchPeers({ users: 20, tps: 1, concurrency: 10 });

    // 20 sign-ins take a few seconds, so at most a handful of the calls fit 1 TPS.
    expect(figures.withoutPolicy).toBeGreaterThanOrEqual(10);
    expect(figures.signInFailures).toBe(figures.withoutPolicy);
    expect(figures.withoutPolicySignedIn).toBe(0);
    // The SDK's default: 3 attempts for each user left without the policy.
    expect(figures.attachPolicy.calls).toBeGreaterThanOrEqual(3 * figures.withoutPolicy);
    expect(figures.retry).toBe('standard mode, 3 attempts');
  });

  it('counts the users a swallowing trigger let sign in without the policy', async () => {
    const figures = await benchPeers({ users: 20, tps: 1, concurrency: 10, onError: 'swallow' });

    expect(figures.withoutPolicy).toBeGreaterThanOrEqual(10);
    expect(figures.signInFailures).toBe(0);
    expect(figures.withoutPolicySignedIn).toBe(figures.withoutPolicy);
  });
});

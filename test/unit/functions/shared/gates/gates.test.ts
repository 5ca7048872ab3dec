import { describe, expect, it } from 'vitest';
import { configuredGateRate, GATE_NAMES, perConsumerRate, QUOTA_GATES } from '../../../../../functions/shared/gates/gates';

describe('the quota gates', () => {
  it.each(GATE_NAMES)('%s: its default rate leaves headroom below its quota, shared by its concurrent consumers', (name) => {
    const gate = QUOTA_GATES[name];
    expect(gate.name).toBe(name);
    expect(gate.ratePerSecond).toBeLessThan(gate.quotaPerSecond);
    expect(perConsumerRate(gate) * gate.maxConcurrency).toBe(gate.ratePerSecond);
    // A message's redeliveries all fit within an execution's wait.
    expect(gate.visibilityTimeoutSeconds * gate.maxReceiveCount).toBeLessThan(gate.waitTimeoutSeconds);
  });

  it("runs a consumer at its GATE_RATE, or the gate's default without one", () => {
    expect(configuredGateRate(QUOTA_GATES.attach, '7.5')).toBe(7.5);
    expect(configuredGateRate(QUOTA_GATES['user-lookup'], undefined)).toBe(20);
  });

  it.each([
    ['0', /above 0 and below the 15 per second quota/],
    ['15', /above 0 and below the 15 per second quota/],
    ['fast', /GATE_RATE must be calls per second \(a number\), got "fast"/],
  ])('refuses GATE_RATE %s, saying what it expected', (setting, message) => {
    expect(() => configuredGateRate(QUOTA_GATES.detach, setting)).toThrow(message);
  });
});

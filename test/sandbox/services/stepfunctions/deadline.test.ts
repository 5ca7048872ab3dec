import { describe, expect, it, vi } from 'vitest';
import { SandboxClock } from '../../../../sandbox/app/clock';
import { armDeadline } from '../../../../sandbox/services/stepfunctions/deadline';
import type { SandboxTimers } from '../../../../sandbox/wire/timers';

const DAY = 24 * 3_600_000;
const LONGEST_NODE_TIMER_MS = 0x7fffffff;

/** Timers a test fires by hand, recording each delay asked for. */
function manualTimers() {
  const armed: Array<{ readonly fn: () => void; readonly delayMs: number }> = [];
  const timers: SandboxTimers = {
    setTimeout: (fn, delayMs) => {
      armed.push({ fn, delayMs });
      return () => undefined;
    },
  };
  return { armed, timers };
}

describe('armDeadline', () => {
  it('waits again when a timer capped at the Node.js limit fires before a 30-day deadline', () => {
    const { armed, timers } = manualTimers();
    let now = 0;
    const fired = vi.fn();
    armDeadline(timers, () => now, 30 * DAY, fired);

    expect(armed[0]?.delayMs).toBe(LONGEST_NODE_TIMER_MS);
    now = LONGEST_NODE_TIMER_MS;
    armed[0]?.fn();
    expect(fired).not.toHaveBeenCalled();
    now = 30 * DAY;
    armed[1]?.fn();
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('fires when the sandbox clock is advanced past the deadline', () => {
    const clock = new SandboxClock();
    const fired = vi.fn();
    armDeadline(clock.timers, clock.now, clock.now() + 60_000, fired);

    clock.advance(59_000);
    expect(fired).not.toHaveBeenCalled();
    clock.advance(1_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('never fires once cancelled', () => {
    const clock = new SandboxClock();
    const fired = vi.fn();
    const cancel = armDeadline(clock.timers, clock.now, clock.now() + 1_000, fired);

    cancel();
    clock.advance(2_000);

    expect(fired).not.toHaveBeenCalled();
  });
});

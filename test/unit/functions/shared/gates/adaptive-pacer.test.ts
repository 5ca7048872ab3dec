import { describe, expect, it } from 'vitest';
import { AdaptivePacer } from '../../../../../functions/shared/gates/adaptive-pacer';

function clocked(ceilingPerSecond: number) {
  let now = 0;
  const waits: number[] = [];
  const pacer = new AdaptivePacer({
    ceilingPerSecond,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  return { pacer, waits, advance: (ms: number) => (now += ms) };
}

describe('the adaptive pacer of a gate consumer', () => {
  it('holds calls to its ceiling: the first at once, then one every 1/ceiling seconds', async () => {
    const { pacer, waits } = clocked(10);
    for (let i = 0; i < 4; i++) await pacer.turn();
    expect(waits).toEqual([100, 100, 100]);
  });

  it('halves its pace at each throttle, down to a twentieth of the ceiling', () => {
    const { pacer } = clocked(10);
    pacer.throttled();
    expect(pacer.ratePerSecond).toBe(5);
    for (let i = 0; i < 10; i++) pacer.throttled();
    expect(pacer.ratePerSecond).toBe(0.5);
  });

  it('speeds up again by a twentieth of the ceiling per call not throttled, never above the ceiling', () => {
    const { pacer } = clocked(10);
    pacer.throttled();
    for (let i = 0; i < 5; i++) pacer.succeeded();
    expect(pacer.ratePerSecond).toBe(7.5);
    for (let i = 0; i < 50; i++) pacer.succeeded();
    expect(pacer.ratePerSecond).toBe(10);
  });

  it('spaces calls at the slowed pace after a throttle', async () => {
    const { pacer, waits } = clocked(10);
    await pacer.turn();
    pacer.throttled();
    await pacer.turn();
    await pacer.turn();
    // The turn already booked at 10/s, then 5/s.
    expect(waits).toEqual([100, 200]);
  });

  it('does not wait after an idle gap longer than its interval', async () => {
    const { pacer, waits, advance } = clocked(10);
    await pacer.turn();
    advance(5_000);
    await pacer.turn();
    expect(waits).toEqual([]);
  });

  it('waits at most one interval when the clock was set back since its last turn', async () => {
    const { pacer, waits, advance } = clocked(10);
    await pacer.turn();
    advance(-600_000);
    await pacer.turn();
    expect(waits).toEqual([100]);
  });
});

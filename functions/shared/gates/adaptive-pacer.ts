import { realSleep, type Sleep } from '../aws/pacing';

/**
 * The pace of one gate consumer (design section 10): at most `ceilingPerSecond` calls a second,
 * slowed by half at every throttle and sped up again by a twentieth of the ceiling after every
 * call that was not throttled (additive increase, multiplicative decrease, the way TCP shares a
 * link it cannot see). A quota shared with other callers of the account (an operator, another
 * stack) is then used without being fought over: the consumer backs off within a few calls and
 * recovers within twenty. The pace lives as long as the warm instance, so one invocation's
 * lesson carries into the next.
 */
export interface AdaptivePacerOptions {
  readonly ceilingPerSecond: number;
  /** The slowest pace it falls to. Default a twentieth of the ceiling. */
  readonly floorPerSecond?: number;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

export class AdaptivePacer {
  private rate: number;
  private nextAt = 0;
  private readonly floor: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(private readonly options: AdaptivePacerOptions) {
    this.rate = options.ceilingPerSecond;
    this.floor = options.floorPerSecond ?? options.ceilingPerSecond / 20;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /** Calls per second it allows now. */
  get ratePerSecond(): number {
    return this.rate;
  }

  /** Waits for the next call's turn. */
  async turn(): Promise<void> {
    const wait = this.nextWaitMs;
    if (wait > 0) await this.sleep(wait);
    this.nextAt = Math.max(this.now(), this.nextAt) + 1000 / this.rate;
  }

  /**
   * How long the next turn would wait, in milliseconds: never more than one interval, so a clock
   * set back (a warm instance's `nextAt` is from before) cannot hold the gate for the difference.
   */
  get nextWaitMs(): number {
    const now = this.now();
    this.nextAt = Math.min(this.nextAt, now + 1000 / this.rate);
    return Math.max(0, this.nextAt - now);
  }

  throttled(): void {
    this.rate = Math.max(this.floor, this.rate / 2);
  }

  succeeded(): void {
    this.rate = Math.min(this.options.ceilingPerSecond, this.rate + this.options.ceilingPerSecond / 20);
  }
}

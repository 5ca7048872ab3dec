import { randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import { matchesPattern, type EventPattern } from './pattern';

/** An event as EventBridge delivers it to a target (the "EventBridge event structure"). */
export interface DeliveredEvent<Detail = unknown> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Detail;
}

/** A PutEvents entry (Source, DetailType, Detail as an object rather than a JSON string). */
export interface PutEventsEntry {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly resources?: readonly string[];
  /** Event time; default the bus clock. */
  readonly time?: Date;
}

/** A rule target: the lead wires it to a Lambda invoke or a StartExecution. */
export type EventTarget = (event: DeliveredEvent) => Promise<unknown> | unknown;

export interface DeliveryFailure {
  readonly rule: string;
  readonly targetId: string;
  readonly event: DeliveredEvent;
  readonly error: unknown;
}

interface Rule {
  readonly pattern: EventPattern;
  readonly targets: Map<string, EventTarget>;
}

/**
 * The account's default event bus, in process: rules with event patterns and callback targets.
 * Like EventBridge, delivery is asynchronous (PutEvents returns before targets run) and every
 * matching rule delivers to each of its targets. A failed delivery is recorded (EventBridge retries
 * for up to 24 hours and then drops or dead-letters it; the sandbox does not retry).
 */
export class EventBus {
  private readonly rules = new Map<string, Rule>();
  private readonly pending = new Set<Promise<void>>();
  readonly failures: DeliveryFailure[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** PutRule: creates or replaces a rule's pattern, keeping its targets. */
  putRule(name: string, pattern: EventPattern): void {
    this.rules.set(name, { pattern, targets: this.rules.get(name)?.targets ?? new Map() });
  }

  /** PutTargets: adds or replaces a target (by id) of an existing rule. */
  putTarget(ruleName: string, targetId: string, target: EventTarget): void {
    const rule = this.rules.get(ruleName);
    if (!rule) throw new Error(`Rule ${ruleName} does not exist on EventBus default.`);
    rule.targets.set(targetId, target);
  }

  removeTarget(ruleName: string, targetId: string): void {
    this.rules.get(ruleName)?.targets.delete(targetId);
  }

  deleteRule(name: string): void {
    this.rules.delete(name);
  }

  /** PutEvents: wraps each entry in the delivered envelope and hands it to every matching target. Returns the event ids. */
  putEvents(entries: readonly PutEventsEntry[]): string[] {
    return entries.map((entry) => {
      const event: DeliveredEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.detailType,
        source: entry.source,
        account: SANDBOX_ACCOUNT,
        time: (entry.time ?? new Date(this.now())).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: SANDBOX_REGION,
        resources: entry.resources ?? [],
        detail: entry.detail,
      };
      for (const [name, rule] of this.rules) {
        if (!matchesPattern(rule.pattern, event)) continue;
        for (const [targetId, target] of rule.targets) this.deliver(name, targetId, target, event);
      }
      return event.id;
    });
  }

  /** Resolves when every delivery started so far (and any they caused) has settled. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private deliver(rule: string, targetId: string, target: EventTarget, event: DeliveredEvent): void {
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => target(structuredClone(event)))
      .then(
        () => undefined,
        (error: unknown) => {
          this.failures.push({ rule, targetId, event, error });
        },
      )
      .finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }
}

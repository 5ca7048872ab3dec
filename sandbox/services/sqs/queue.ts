import type { QueuedMessage } from './message';
import type { QueueAttributeValues } from './queue-attributes';
import type { Receipt } from './receipt-handle';
import type { RedrivePolicy } from './redrive-policy';

export interface QueueIdentity {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/**
 * One standard queue: its attributes and its messages, each visible, in flight (received, its
 * visibility timeout running) or delayed, all judged against the sandbox clock's `now` passed in.
 * Messages are kept in enqueue order, which receives follow (a standard queue promises no order:
 * "best-effort ordering"). Listeners hear when a message may have become receivable (long polls).
 */
export class Queue implements QueueIdentity {
  private values: Record<string, string>;
  private readonly messages = new Map<string, QueuedMessage>();
  private readonly listeners = new Set<() => void>();
  lastModifiedAt: number;
  lastPurgeAt: number | undefined;
  deleted = false;

  constructor(
    private readonly identity: QueueIdentity,
    attributes: QueueAttributeValues,
    readonly createdAt: number,
  ) {
    this.values = { ...attributes };
    this.lastModifiedAt = createdAt;
  }

  get name(): string {
    return this.identity.name;
  }
  get url(): string {
    return this.identity.url;
  }
  get arn(): string {
    return this.identity.arn;
  }
  get attributes(): QueueAttributeValues {
    return this.values;
  }

  setAttributes(values: QueueAttributeValues, now: number): void {
    this.values = { ...this.values, ...values };
    this.lastModifiedAt = now;
  }

  seconds(name: 'DelaySeconds' | 'MessageRetentionPeriod' | 'ReceiveMessageWaitTimeSeconds' | 'VisibilityTimeout' | 'MaximumMessageSize'): number {
    return Number(this.values[name]);
  }

  redrivePolicy(): RedrivePolicy | undefined {
    const policy = this.values['RedrivePolicy'];
    return policy ? (JSON.parse(policy) as RedrivePolicy) : undefined;
  }

  enqueue(message: QueuedMessage, now: number): void {
    message.enqueuedAt = now;
    this.messages.set(message.messageId, message);
    if (message.visibleAt <= now) this.notify();
  }

  /**
   * Drops messages older than MessageRetentionPeriod, counted from their enqueue time ("For
   * standard queues, the expiration of a message is always based on its original enqueue
   * timestamp", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html).
   */
  private prune(now: number): void {
    const retentionMs = this.seconds('MessageRetentionPeriod') * 1000;
    for (const [id, message] of this.messages) if (now >= message.sentAt + retentionMs) this.messages.delete(id);
  }

  /** Messages a receive may return now, in enqueue order. */
  receivable(now: number): QueuedMessage[] {
    this.prune(now);
    return [...this.messages.values()].filter((m) => m.visibleAt <= now);
  }

  /** The message a receipt names while that receipt is its latest one. */
  current(receipt: Receipt): QueuedMessage | undefined {
    const message = this.messages.get(receipt.messageId);
    return message?.receipt?.id === receipt.receiptId ? message : undefined;
  }

  has(messageId: string): boolean {
    return this.messages.has(messageId);
  }

  remove(messageId: string): void {
    this.messages.delete(messageId);
  }

  /** Hides a message until `now + seconds`; at 0 it is receivable again at once. */
  hide(message: QueuedMessage, seconds: number, now: number): void {
    message.visibleAt = now + seconds * 1000;
    if (seconds === 0) this.notify();
  }

  purge(now: number): void {
    this.messages.clear();
    this.lastPurgeAt = now;
  }

  /** Receivable, in flight (received, hidden) and delayed (never received, hidden) messages. */
  counts(now: number): { visible: number; inFlight: number; delayed: number } {
    this.prune(now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  /**
   * When the oldest message this queue still holds at `at` (visible, in flight or delayed, not
   * past its retention period) was put in it. Reads only: the metrics sample it (metrics/).
   */
  oldestEnqueuedAt(at: number): number | undefined {
    const retentionMs = this.seconds('MessageRetentionPeriod') * 1000;
    let oldest: number | undefined;
    for (const m of this.messages.values()) {
      if (at < m.sentAt + retentionMs && m.enqueuedAt <= at && (oldest === undefined || m.enqueuedAt < oldest)) oldest = m.enqueuedAt;
    }
    return oldest;
  }

  /** When the next hidden message becomes receivable, if any. */
  nextVisibleAt(now: number): number | undefined {
    let next: number | undefined;
    for (const m of this.messages.values()) if (m.visibleAt > now && (next === undefined || m.visibleAt < next)) next = m.visibleAt;
    return next;
  }

  /** Hears every change that may make a message receivable, and the queue's deletion. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  markDeleted(): void {
    this.deleted = true;
    this.messages.clear();
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

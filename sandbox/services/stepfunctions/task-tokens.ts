import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SandboxTimers } from '../../wire/timers';
import { SfnErrors } from './api-errors';
import { armDeadline } from './deadline';
import { statesTimeoutError } from './states-timeout';
import { TaskError } from './task-error';
import { errorMessage } from '../../../functions/shared/aws/error-name';

/** One attempt of a `.waitForTaskToken` task, waiting for its token to come back. */
export interface CallbackWait {
  /** The attempt's task token (`$$.Task.Token`). */
  readonly token: string;
  /**
   * The SendTaskSuccess `output` (parsed JSON); rejects with the SendTaskFailure error, or with
   * States.HeartbeatTimeout / States.Timeout when a deadline passes first.
   */
  readonly result: Promise<unknown>;
  /** Ends the wait without a result (the submit call failed, the run ended): the token stops working. */
  close(reason?: Error): void;
}

/** The Task state's `HeartbeatSeconds` and `TimeoutSeconds`, both counted from the attempt's start. */
export interface CallbackDeadlines {
  readonly heartbeatSeconds?: number;
  readonly timeoutSeconds?: number;
}

/** Opens callback waits for one run of one execution. */
export interface CallbackTasks {
  open(deadlines: CallbackDeadlines): CallbackWait;
}

interface PendingTask {
  readonly owner: string;
  readonly heartbeatMs: number | undefined;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  cancelHeartbeat: () => void;
  cancelTimeout: () => void;
}

const NONCE_BYTES = 24;
const MAC_BYTES = 24;

/**
 * The task tokens of every callback task waiting in the service. A token is opaque and signed
 * with a key of this service instance, so a token it never issued (or a mangled one) is told
 * apart from one whose task has ended: InvalidToken for the first, TaskTimedOut for the second
 * (SendTaskSuccess API reference, Errors). Each attempt gets a new token: "If a Task state using
 * the callback task token times out, a new random token is generated" ("Wait for a Callback with
 * Task Token", https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token),
 * and a retried attempt is a new task.
 */
export class TaskTokens {
  private readonly key = randomBytes(32);
  private readonly pending = new Map<string, PendingTask>();

  constructor(private readonly clock: { readonly now: () => number; readonly timers: SandboxTimers }) {}

  /** The callback waits of one run; `owner` names it (execution ARN and run number) for `closeRun`. */
  forRun(owner: string): CallbackTasks {
    return { open: (deadlines) => this.open(owner, deadlines) };
  }

  /** SendTaskSuccess: the output must be JSON ("InvalidOutput: The provided JSON output data is not valid"). */
  succeed(token: string, output: string): void {
    const task = this.waiting(token);
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch (error) {
      throw SfnErrors.invalidOutput(errorMessage(error));
    }
    this.end(token, () => task.resolve(value));
  }

  /** SendTaskFailure: the task fails with `error` and `cause`, which its Retry and Catch match on. */
  fail(token: string, error: string | undefined, cause: string | undefined): void {
    const task = this.waiting(token);
    this.end(token, () => task.reject(new TaskError(error ?? '', cause ?? '')));
  }

  /**
   * SendTaskHeartbeat "resets the Heartbeat clock"; the task's TimeoutSeconds stays "its maximum
   * allowed duration, regardless of the number of SendTaskHeartbeat requests received"
   * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html).
   */
  heartbeat(token: string): void {
    const task = this.waiting(token);
    if (task.heartbeatMs === undefined) return;
    task.cancelHeartbeat();
    task.cancelHeartbeat = this.heartbeatDeadline(token, task.heartbeatMs);
  }

  /** Ends every wait of a run that is over (stopped, timed out, failed elsewhere): their tokens stop working. */
  closeRun(owner: string): void {
    for (const [token, task] of [...this.pending]) {
      if (task.owner !== owner) continue;
      this.end(token, () => task.reject(new TaskError('States.Aborted', 'The execution ended while the task waited for its token.')));
    }
  }

  private open(owner: string, deadlines: CallbackDeadlines): CallbackWait {
    const token = this.mint();
    let resolve!: (output: unknown) => void;
    let reject!: (error: Error) => void;
    const result = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A deadline can pass while the submit call is still in flight, before the run awaits this.
    result.catch(() => undefined);
    const heartbeatMs = deadlines.heartbeatSeconds !== undefined ? deadlines.heartbeatSeconds * 1000 : undefined;
    const task: PendingTask = { owner, heartbeatMs, resolve, reject, cancelHeartbeat: () => undefined, cancelTimeout: () => undefined };
    this.pending.set(token, task);
    if (heartbeatMs !== undefined) task.cancelHeartbeat = this.heartbeatDeadline(token, heartbeatMs);
    if (deadlines.timeoutSeconds !== undefined) {
      const at = this.clock.now() + deadlines.timeoutSeconds * 1000;
      task.cancelTimeout = armDeadline(this.clock.timers, this.clock.now, at, () => this.expire(token, 'States.Timeout', 'Task timed out.'));
    }
    return {
      token,
      result,
      close: (reason) => this.end(token, () => reject(reason ?? new TaskError('States.Aborted', 'The task ended without its token.'))),
    };
  }

  private heartbeatDeadline(token: string, heartbeatMs: number): () => void {
    const at = this.clock.now() + heartbeatMs;
    // "States.HeartbeatTimeout: A Task state failed to send a heartbeat for a period longer than the
    // HeartbeatSeconds value" ("Handling errors in Step Functions workflows",
    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
    return armDeadline(this.clock.timers, this.clock.now, at, () => this.expire(token, 'States.HeartbeatTimeout', 'Task heartbeat timed out.'));
  }

  /** A deadline passed: the token stops working at once; the error reaches the run right after. */
  private expire(token: string, name: 'States.Timeout' | 'States.HeartbeatTimeout', cause: string): void {
    const task = this.pending.get(token);
    if (!task) return;
    this.end(token, () => void statesTimeoutError(name, cause).then(task.reject));
  }

  private end(token: string, settle: () => void): void {
    const task = this.pending.get(token);
    if (!task) return;
    this.pending.delete(token);
    task.cancelHeartbeat();
    task.cancelTimeout();
    settle();
  }

  private waiting(token: string): PendingTask {
    if (!this.issued(token)) throw SfnErrors.invalidToken();
    const task = this.pending.get(token);
    if (!task) throw SfnErrors.taskTimedOut();
    return task;
  }

  private mint(): string {
    const nonce = randomBytes(NONCE_BYTES);
    return Buffer.concat([nonce, this.mac(nonce)]).toString('base64url');
  }

  private issued(token: string): boolean {
    const raw = Buffer.from(token, 'base64url');
    if (raw.length !== NONCE_BYTES + MAC_BYTES || raw.toString('base64url') !== token) return false;
    return timingSafeEqual(raw.subarray(NONCE_BYTES), this.mac(raw.subarray(0, NONCE_BYTES)));
  }

  private mac(nonce: Buffer): Buffer {
    return createHmac('sha256', this.key).update(nonce).digest().subarray(0, MAC_BYTES);
  }
}

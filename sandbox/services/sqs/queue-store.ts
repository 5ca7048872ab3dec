import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import { SqsErrors } from './errors';
import { Queue } from './queue';
import { DEFAULT_ATTRIBUTES, fifoUnsupported } from './queue-attributes';

/** "You must wait 60 seconds after deleting a queue before you can create another with the same name" (CreateQueue API). */
const NAME_REUSE_DELAY_MS = 60_000;
/** Queue names: "alphanumeric characters, hyphens (-), and underscores (_)", 1 to 80 (CreateQueue API, `QueueName`). */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The account's queues, by name. URLs are `<endpoint>/<account>/<name>` (the path-style URLs AWS
 * answers, `https://sqs.us-east-1.amazonaws.com/111122223333/MyQueue`), ARNs
 * `arn:aws:sqs:<region>:<account>:<name>`. A QueueUrl is resolved by its path: any host that
 * reaches this endpoint (127.0.0.1, localhost) names the same queue.
 */
export class QueueStore {
  private readonly byName = new Map<string, Queue>();
  private readonly deletedAt = new Map<string, number>();

  constructor(private readonly endpoint: () => string) {}

  arnOf(name: string): string {
    return `arn:aws:sqs:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:${name}`;
  }

  /**
   * CreateQueue (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html):
   * an existing queue is returned when every attribute given has the value it has ("If you
   * specify the name of an existing queue and provide the exact same names and values for all
   * its attributes, the CreateQueue action will return the URL of the existing queue"); a
   * different value is QueueNameExists. A name deleted less than 60 s ago is QueueDeletedRecently.
   */
  create(name: string, attributes: Readonly<Record<string, string>>, now: number): Queue {
    if (name.endsWith('.fifo')) throw fifoUnsupported();
    if (!QUEUE_NAME.test(name)) throw SqsErrors.invalidParameterValue(`Value (${name}) for parameter QueueName is invalid. Must be an alphanumeric String of 1 to 80 in length.`);
    const existing = this.byName.get(name);
    if (existing) {
      const differing = Object.keys(attributes).find((key) => (existing.attributes[key] ?? '') !== attributes[key]);
      if (differing !== undefined) throw SqsErrors.queueNameExists(differing);
      return existing;
    }
    const deletedAt = this.deletedAt.get(name);
    if (deletedAt !== undefined && now - deletedAt < NAME_REUSE_DELAY_MS) throw SqsErrors.queueDeletedRecently();
    const queue = new Queue({ name, url: `${this.endpoint()}/${SANDBOX_ACCOUNT}/${name}`, arn: this.arnOf(name) }, { ...DEFAULT_ATTRIBUTES, ...attributes }, now);
    this.byName.set(name, queue);
    return queue;
  }

  byQueueName(name: string): Queue | undefined {
    return this.byName.get(name);
  }

  byArn(arn: string): Queue | undefined {
    const name = arn.split(':')[5];
    return name !== undefined && this.arnOf(name) === arn ? this.byName.get(name) : undefined;
  }

  /** The queue a QueueUrl names: InvalidAddress when it is no queue URL, QueueDoesNotExist when no such queue. */
  byUrl(queueUrl: string): Queue {
    let path: string;
    try {
      path = new URL(queueUrl).pathname;
    } catch {
      throw SqsErrors.invalidAddress(queueUrl);
    }
    const [, account, name, ...rest] = path.split('/');
    const queue = account === SANDBOX_ACCOUNT && rest.length === 0 && name !== undefined ? this.byName.get(name) : undefined;
    if (!queue) throw SqsErrors.queueDoesNotExist();
    return queue;
  }

  delete(queue: Queue, now: number): void {
    this.byName.delete(queue.name);
    this.deletedAt.set(queue.name, now);
    queue.markDeleted();
  }

  /** Every queue whose name starts with `prefix`, by name. */
  list(prefix = ''): Queue[] {
    return [...this.byName.values()].filter((q) => q.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

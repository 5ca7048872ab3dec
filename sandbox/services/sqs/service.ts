import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { startHttpServer } from '../../wire/http';
import type { MetricSource } from '../../wire/metric-source';
import { admitCall, type AdmissionRules } from '../../wire/query-compatible/admission';
import { protocolOf, type QueryCompatibleProtocol } from '../../wire/query-compatible/protocol';
import { SIGNING_NAMES } from '../../wire/signing-names';
import { realTimers, type SandboxTimers } from '../../wire/timers';
import { asSqsError, SqsErrors } from './errors';
import { sqsOperations, type SqsOperation } from './operations';
import { normalizeAttributes } from './queue-attributes';
import { QueueStore } from './queue-store';
import { countAnsweredCall } from './metrics/counted-calls';
import { QueueMetrics } from './metrics/queue-metrics';
import { sqsMetricSource } from './metrics/sqs-source';
import { jsonProtocol } from './wire/json-protocol';
import { queryProtocol } from './wire/query-protocol';

export interface SqsOptions {
  /** Verifies the callers' SigV4 signatures (signing name `sqs`); only backend credentials may call. */
  readonly store: CredentialStore;
  /** Fault rules are looked up as `sqs:<Operation>` (e.g. `sqs:SendMessage`). */
  readonly faults: FaultInjector;
  /** The sandbox clock: visibility timeouts, delays, retention, timestamps, signature dates. Default `Date.now`. */
  readonly now?: () => number;
  /** Timers for long polls; the sandbox clock's end a wait when `advance()` passes its deadline. Default: Node's. */
  readonly timers?: SandboxTimers;
  /** Default: an ephemeral port on 127.0.0.1. */
  readonly port?: number;
}

/** An authenticated call, as the server saw it (which protocol a client speaks). */
export interface SqsCallNotice {
  readonly operation: string;
  readonly protocol: QueryCompatibleProtocol['name'];
  readonly userAgent: string | undefined;
}

export interface SqsServer {
  /** Endpoint for `new SQSClient({ endpoint })`, `AWS_ENDPOINT_URL_SQS` or `aws --endpoint-url`. */
  readonly url: string;
  /** Creates a queue as a deployment would (CreateQueue's rules: same name and attributes → the same queue). */
  createQueue(name: string, attributes?: Readonly<Record<string, string>>): { readonly queueUrl: string; readonly queueArn: string };
  /** Hears every authenticated call. Returns the unsubscribe function. */
  onCall(listener: (call: SqsCallNotice) => void): () => void;
  /** The `AWS/SQS` metrics the queues publish, for the sandbox's CloudWatch (`startCloudWatch({ sources })`). */
  readonly metrics: MetricSource;
  /** Hears every ReceiveMessage that starts waiting for a message (long polling), by queue name. */
  onPollWaiting(listener: (queueName: string) => void): () => void;
  close(): Promise<void>;
}

/** SQS's answers to a caller other than the backend role (the only principals whose policies grant sqs:* here) and to injected faults. */
const REFUSALS: AdmissionRules<SqsOperation>['refusals'] = {
  accessDenied: SqsErrors.accessDenied,
  throttled: SqsErrors.requestThrottled,
  internal: () => SqsErrors.internalFailure('An internal error occurred (injected fault)'),
};

/**
 * Amazon SQS (standard queues) on loopback, in both wire protocols SQS serves: AWS JSON 1.0
 * (`X-Amz-Target: AmazonSQS.<Op>`) and the AWS query protocol (`Action=<Op>`, XML), chosen per
 * request. Every call is SigV4-verified before its fault rule applies, as AWS authenticates
 * before it throttles.
 */
export async function startSqs(opts: SqsOptions): Promise<SqsServer> {
  const now = opts.now ?? Date.now;
  let endpoint = '';
  const queues = new QueueStore(() => endpoint);
  const metrics = new QueueMetrics(queues);
  const callListeners = new Set<(call: SqsCallNotice) => void>();
  const pollListeners = new Set<(queueName: string) => void>();
  const operations = sqsOperations({ queues, now, timers: opts.timers ?? realTimers, onPollWaiting: (queue) => pollListeners.forEach((l) => l(queue.name)) });
  const admission = { store: opts.store, faults: opts.faults, now, operations, signingNames: SIGNING_NAMES.sqs, faultPrefix: 'sqs', refusals: REFUSALS };
  const serve = (req: IncomingMessage, body: Buffer, res: ServerResponse) => handle({ admission, now, callListeners, queues, metrics }, req, body, res);
  const server = await startHttpServer(serve, { ...(opts.port !== undefined ? { port: opts.port } : {}), now });
  endpoint = server.url;
  const subscribe = <T>(set: Set<T>, listener: T) => {
    set.add(listener);
    return () => void set.delete(listener);
  };
  return {
    url: server.url,
    metrics: sqsMetricSource(metrics),
    createQueue: (name, attributes = {}) => {
      const queue = queues.create(name, normalizeAttributes(attributes, (arn) => queues.byArn(arn) !== undefined), now());
      return { queueUrl: queue.url, queueArn: queue.arn };
    },
    onCall: (listener) => subscribe(callListeners, listener),
    onPollWaiting: (listener) => subscribe(pollListeners, listener),
    close: () => server.close(),
  };
}

interface Front {
  /** Decoding, SigV4, the backend-only rule and fault rules (`sqs:<Operation>`), before an operation runs. */
  readonly admission: AdmissionRules<SqsOperation>;
  readonly now: () => number;
  readonly callListeners: ReadonlySet<(call: SqsCallNotice) => void>;
  readonly queues: QueueStore;
  /** Counting hooks only: they sample before the call and count after it, and change no answer. */
  readonly metrics: QueueMetrics;
}

async function handle(front: Front, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
  const protocol = protocolOf(req, { json: jsonProtocol, query: queryProtocol });
  // A caller that hangs up takes nothing more: a waiting receive stops without receiving.
  const hangUp = new AbortController();
  res.once('close', () => hangUp.abort());
  try {
    const { operation, input, run, caller } = admitCall(front.admission, protocol, req, body);
    for (const listener of front.callListeners) listener({ operation, protocol: protocol.name, userAgent: req.headers['user-agent'] });
    front.metrics.observe(front.now());
    const output = await run(input, { callerId: caller.accessKeyId, signal: hangUp.signal });
    countAnsweredCall(front.metrics, front.queues, { operation, input, output }, front.now());
    if (!hangUp.signal.aborted) protocol.answer(res, operation, output);
  } catch (error) {
    if (!hangUp.signal.aborted && !res.headersSent) protocol.fail(res, asSqsError(error));
  }
}

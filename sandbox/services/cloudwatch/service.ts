import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { startHttpServer } from '../../wire/http';
import type { MetricSource } from '../../wire/metric-source';
import { admitCall, type AdmissionRules } from '../../wire/query-compatible/admission';
import { protocolOf } from '../../wire/query-compatible/protocol';
import { SIGNING_NAMES } from '../../wire/signing-names';
import { asCloudWatchError, CloudWatchErrors } from './errors';
import { getMetricData } from './get-metric-data';
import { jsonProtocol } from './wire/json-protocol';
import { queryProtocol } from './wire/query-protocol';

export interface CloudWatchOptions {
  /** Verifies the callers' SigV4 signatures (signing name `monitoring`); only backend credentials may call. */
  readonly store: CredentialStore;
  /** Fault rules are looked up as `cloudwatch:<Operation>` (`cloudwatch:GetMetricData`). */
  readonly faults: FaultInjector;
  /** The metrics the emulated services publish, one source per namespace (`AWS/SQS`: `SqsServer.metrics`). */
  readonly sources: readonly MetricSource[];
  /** The sandbox clock: the metrics' "now" and signature dates. Default `Date.now`. */
  readonly now?: () => number;
  /** Default: an ephemeral port on 127.0.0.1. */
  readonly port?: number;
}

export interface CloudWatchServer {
  /** Endpoint for `new CloudWatchClient({ endpoint })`, `AWS_ENDPOINT_URL_CLOUDWATCH` or `aws --endpoint-url`. */
  readonly url: string;
  close(): Promise<void>;
}

type Operation = (input: unknown) => object;

/** CloudWatch's answers to a caller other than the backend role and to injected faults. */
const REFUSALS: AdmissionRules<Operation>['refusals'] = {
  accessDenied: CloudWatchErrors.accessDenied,
  throttled: CloudWatchErrors.throttling,
  internal: () => CloudWatchErrors.internalServiceError(),
};

/**
 * Amazon CloudWatch's GetMetricData on loopback, over the metrics the sandbox's services publish,
 * in AWS JSON 1.0 (current SDKs and CLIs) and the AWS query protocol (older ones), chosen per
 * request. Smithy RPC v2 CBOR, which CloudWatch also serves, is refused: no client here sends it.
 * Every call is SigV4-verified before its fault rule applies.
 */
export async function startCloudWatch(opts: CloudWatchOptions): Promise<CloudWatchServer> {
  const now = opts.now ?? Date.now;
  const sources = new Map(opts.sources.map((source) => [source.namespace, source]));
  const operations: Readonly<Record<string, Operation>> = { GetMetricData: getMetricData(sources, now) };
  const admission = { store: opts.store, faults: opts.faults, now, operations, signingNames: SIGNING_NAMES.cloudwatch, faultPrefix: 'cloudwatch', refusals: REFUSALS };
  const server = await startHttpServer((req, body, res) => handle(admission, req, body, res), { ...(opts.port !== undefined ? { port: opts.port } : {}), now });
  return { url: server.url, close: () => server.close() };
}

function handle(admission: AdmissionRules<Operation>, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const cbor = req.headers['smithy-protocol'] !== undefined;
  // A Smithy RPC v2 CBOR client can read neither answer; JSON's at least carries the status.
  const protocol = cbor ? jsonProtocol : protocolOf(req, { json: jsonProtocol, query: queryProtocol });
  try {
    if (cbor) throw CloudWatchErrors.unknownOperation(`${req.url ?? ''} in Smithy RPC v2 CBOR (speak AWS JSON 1.0 or the query protocol)`);
    const { operation, input, run } = admitCall(admission, protocol, req, body);
    protocol.answer(res, operation, run(input));
  } catch (error) {
    if (!res.headersSent) protocol.fail(res, asCloudWatchError(error));
  }
}

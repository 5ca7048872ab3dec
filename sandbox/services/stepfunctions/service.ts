import type { ServerResponse } from 'node:http';
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import type { CredentialStore } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { parseJsonBody, sendError, startHttpServer } from '../../wire/http';
import { verifySignedRequest } from '../../wire/sigv4';
import { SIGNING_NAMES } from '../../wire/signing-names';
import { realTimers, type SandboxTimers } from '../../wire/timers';
import { SfnErrors } from './api-errors';
import { StepFunctionsBackend, type ExecutionEventNotice, type StateMachineRegistration } from './backend';
import type { OperationName } from './requests';
import type { RunDefinitionOptions } from './runner';

export type { ExecutionEventNotice, StateMachineRegistration } from './backend';

export interface StepFunctionsOptions {
  /** Fault rules are looked up as `states:<Operation>` (e.g. `states:StartExecution`). */
  readonly faults: FaultInjector;
  /** When given, every request's SigV4 signature (signing name `states`) is verified against it. */
  readonly store?: CredentialStore;
  /** Clock (ms) for SigV4 checks, dates, history timestamps, deadlines and the 14-day redrive window. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Timers for deadlines: callback tasks' HeartbeatSeconds and TimeoutSeconds, executions'
   * TimeoutSeconds. Pass the sandbox clock's so `advance()` passes them. Default: Node's timers.
   */
  readonly timers?: SandboxTimers;
  /** Default: an ephemeral port on 127.0.0.1. */
  readonly port?: number;
  /** Retry waits in ms instead of the ASL's backoff, for every execution (tests, benchmarks). */
  readonly retryIntervalOverrides?: RunDefinitionOptions['retryIntervalOverrides'];
}

export interface StepFunctionsService {
  /** Endpoint for `new SFNClient({ endpoint })` or `AWS_ENDPOINT_URL_SFN`. */
  readonly url: string;
  /** Stops running executions (recorded as aborted), then closes the server. */
  close(): Promise<void>;
  registerStateMachine(registration: StateMachineRegistration): { stateMachineArn: string };
  /** Resolves with the status once the execution is no longer RUNNING. */
  waitForExecution(executionArn: string): Promise<ExecutionStatus>;
  /** Every history event as it is written, for live timelines. Returns an unsubscribe function. */
  onExecutionEvent(listener: (notice: ExecutionEventNotice) => void): () => void;
  /** State transitions (state entries + retries) and executions started so far. */
  readonly stats: { readonly transitions: number; readonly executions: number };
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';

const OPERATIONS: ReadonlySet<string> = new Set<OperationName>([
  'StartExecution',
  'DescribeExecution',
  'ListExecutions',
  'GetExecutionHistory',
  'RedriveExecution',
  'StopExecution',
  'SendTaskSuccess',
  'SendTaskFailure',
  'SendTaskHeartbeat',
  'DescribeStateMachine',
  'ListStateMachines',
]);

function isOperation(name: string): name is OperationName {
  return OPERATIONS.has(name);
}

/** The JSON protocols carry timestamps as epoch seconds (fractional), not ISO strings. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

function send(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(toWire(body));
  res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID() });
  res.end(text);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The Step Functions API on loopback, in its wire protocol (AWS JSON 1.0: `POST /`,
 * `X-Amz-Target: AWSStepFunctions.<Operation>`, SigV4 signing name `states`), so an unmodified
 * `@aws-sdk/client-sfn` works against it through `endpoint` / `AWS_ENDPOINT_URL_SFN`.
 */
export async function startStepFunctions(opts: StepFunctionsOptions): Promise<StepFunctionsService> {
  const now = opts.now ?? Date.now;
  const backend = new StepFunctionsBackend({
    now,
    timers: opts.timers ?? realTimers,
    ...(opts.retryIntervalOverrides !== undefined ? { retryIntervalOverrides: opts.retryIntervalOverrides } : {}),
  });
  const server = await startHttpServer(async (req, body, res) => {
    try {
      const target = header(req.headers['x-amz-target']) ?? '';
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
      if (req.method !== 'POST' || !isOperation(operation)) throw SfnErrors.unknownOperation(target || `${req.method} ${req.url}`);
      // AWS authenticates before it throttles or validates.
      if (opts.store) verifySignedRequest({ method: req.method, url: req.url ?? '/', headers: req.headers, body }, opts.store, { service: SIGNING_NAMES.states, now });
      const fault = opts.faults.check(`states:${operation}`);
      if (fault) throw fault.kind === 'throttle' ? SfnErrors.throttling() : SfnErrors.internal();
      send(res, backend[operation](parseJsonBody(body)));
    } catch (error) {
      sendError(res, error, 'json', CONTENT_TYPE);
    }
  }, { ...(opts.port !== undefined ? { port: opts.port } : {}), now });

  return {
    url: server.url,
    close: async () => {
      await backend.stopAll();
      await server.close();
    },
    registerStateMachine: (registration) => backend.registerStateMachine(registration),
    waitForExecution: (executionArn) => backend.waitForExecution(executionArn),
    onExecutionEvent: (listener) => backend.onExecutionEvent(listener),
    stats: backend.stats,
  };
}

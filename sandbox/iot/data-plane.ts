import type { IncomingMessage, ServerResponse } from 'node:http';
import { SHADOW_LIMITS } from '../../functions/shared/shadow-limits';
import type { CredentialStore } from '../credentials';
import type { FaultInjector } from '../faults';
import { AwsServiceError, sendError, startHttpServer, type StartedServer } from '../http';
import { verifySignedRequest } from '../sigv4';
import { SIGNING_NAMES } from '../signing-names';
import { iotArn, type AuthorizationDecision, type AuthorizationRequest, type IotAction } from './authorization';
import type { ShadowEngine, ShadowMessage, ShadowOperation } from './shadows';

/**
 * The AWS IoT data plane over HTTPS-style REST (signing name `iotdata`), so
 * `@aws-sdk/client-iot-data-plane` works unmodified. Routes from the SDK's operation schemas:
 *
 *   GetThingShadow     GET    /things/{thingName}/shadow?name=
 *   UpdateThingShadow  POST   /things/{thingName}/shadow?name=    body: request state document
 *   DeleteThingShadow  DELETE /things/{thingName}/shadow?name=
 *   ListNamedShadowsForThing GET /api/things/shadow/ListNamedShadowsForThing/{thingName}?nextToken=&pageSize=
 *   Publish            POST   /topics/{topic}?qos=&retain=        body: the raw payload
 *
 * Each call is SigV4-verified, then authorized by the IoT engine (backend principal: allowed;
 * Cognito identity: IAM role ∧ attached IoT policy). A denied call answers 403
 * ForbiddenException. Accepted shadow changes and every publish reach MQTT subscribers through
 * the broker; a Publish to a reserved shadow topic is processed by the shadow engine by the
 * broker exactly as an MQTT publish is.
 */
export interface IotDataPlaneOptions {
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  readonly shadows: ShadowEngine;
  readonly authorize: (request: AuthorizationRequest) => AuthorizationDecision;
  /** Delivers a message to MQTT subscribers (the broker's service-side publish). */
  readonly publish: (message: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean }) => Promise<void>;
  /** Called with every denial, so the sandbox can log why (the data plane answers only 403). */
  readonly onDenied?: (decision: AuthorizationDecision) => void;
  readonly now?: () => number;
  readonly port?: number;
}

const SHADOW_ACTIONS: Record<ShadowOperation, { readonly action: IotAction; readonly operation: string }> = {
  get: { action: 'iot:GetThingShadow', operation: 'GetThingShadow' },
  update: { action: 'iot:UpdateThingShadow', operation: 'UpdateThingShadow' },
  delete: { action: 'iot:DeleteThingShadow', operation: 'DeleteThingShadow' },
};
const SHADOW_METHODS: Record<string, ShadowOperation> = { GET: 'get', POST: 'update', DELETE: 'delete' };

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsServiceError(400, 'InvalidRequestException', `Malformed path label: ${raw}`);
  }
}

/** Page size when the caller gives none (not documented by AWS; small, so callers page). */
const DEFAULT_SHADOW_PAGE = 25;

/**
 * ListNamedShadowsForThing: `pageSize` 1–100, an opaque `nextToken`, `timestamp` in epoch
 * seconds (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_ListNamedShadowsForThing.html).
 */
function listNamedShadows(names: readonly string[], query: URLSearchParams, now: () => number) {
  const pageSize = query.has('pageSize') ? Number(query.get('pageSize')) : DEFAULT_SHADOW_PAGE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new AwsServiceError(400, 'InvalidRequestException', 'pageSize must be between 1 and 100');
  const token = query.get('nextToken');
  const start = token === null ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError(400, 'InvalidRequestException', 'Invalid nextToken');
  const end = start + pageSize;
  return {
    results: names.slice(start, end),
    ...(end < names.length ? { nextToken: Buffer.from(String(end)).toString('base64') } : {}),
    timestamp: Math.floor(now() / 1000),
  };
}

/** Starts the REST data plane. Its `server` also takes the broker's WebSocket upgrades (one data endpoint). */
export async function startIotDataPlane(opts: IotDataPlaneOptions): Promise<StartedServer> {
  const { store, faults, shadows } = opts;

  /** Answers an injected fault; true when the operation must take effect and its response be lost. */
  const checkFault = (operation: string): boolean => {
    const fault = faults.check(`iot:${operation}`);
    if (fault?.kind === 'throttle') throw new AwsServiceError(429, 'ThrottlingException', 'Rate exceeded');
    if (fault?.kind === 'internal') throw new AwsServiceError(500, 'InternalFailureException', 'Internal service failure (injected fault)');
    return fault?.kind === 'lose-response';
  };

  const requireAllowed = (request: AuthorizationRequest) => {
    const decision = opts.authorize(request);
    if (!decision.allowed) {
      opts.onDenied?.(decision);
      // The data plane tells the caller no more than AWS does: 403 Forbidden. The reason goes to onDenied.
      throw new AwsServiceError(403, 'ForbiddenException', 'Forbidden');
    }
  };

  const deliver = async (messages: readonly ShadowMessage[]) => {
    for (const m of messages) await opts.publish({ topic: m.topic, payload: m.payload, qos: 1, retain: false });
  };

  return startHttpServer(async (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    try {
      const rawUrl = req.url ?? '/';
      const url = new URL(rawUrl, 'http://localhost');
      const method = req.method ?? 'GET';
      const segments = url.pathname.split('/');
      const verify = () =>
        verifySignedRequest({ method, url: rawUrl, headers: req.headers, body }, store, {
          service: SIGNING_NAMES.iotData,
          ...(opts.now ? { now: opts.now } : {}),
        });

      // /things/{thingName}/shadow
      if (segments.length === 4 && segments[1] === 'things' && segments[3] === 'shadow' && SHADOW_METHODS[method]) {
        const operation = SHADOW_METHODS[method];
        const thingName = decodeLabel(segments[2] ?? '');
        const shadowName = url.searchParams.get('name') ?? undefined;
        const caller = verify();
        const { action, operation: opName } = SHADOW_ACTIONS[operation];
        const loseResponse = checkFault(opName);
        requireAllowed({ principal: caller.principal, action, resource: iotArn('thing', thingName) });
        const result = shadows.handle({
          operation,
          thingName,
          ...(shadowName !== undefined ? { shadowName } : {}),
          payload: operation === 'update' ? body : Buffer.alloc(0),
          transport: 'http',
        });
        if (!result.ok) throw new AwsServiceError(result.error.code, result.error.errorType, result.error.message);
        await deliver(result.messages);
        if (loseResponse) {
          req.socket.destroy();
          return;
        }
        const text = JSON.stringify(result.document);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID() });
        res.end(text);
        return;
      }

      // /api/things/shadow/ListNamedShadowsForThing/{thingName}
      if (segments.length === 6 && url.pathname.startsWith('/api/things/shadow/ListNamedShadowsForThing/') && method === 'GET') {
        const thingName = decodeLabel(segments[5] ?? '');
        const caller = verify();
        checkFault('ListNamedShadowsForThing');
        requireAllowed({ principal: caller.principal, action: 'iot:ListNamedShadowsForThing', resource: iotArn('thing', thingName) });
        const text = JSON.stringify(listNamedShadows(shadows.namedShadows(thingName), url.searchParams, opts.now ?? Date.now));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID() });
        res.end(text);
        return;
      }

      // /topics/{topic}
      if (segments.length === 3 && segments[1] === 'topics' && method === 'POST') {
        const topic = decodeLabel(segments[2] ?? '');
        const caller = verify();
        checkFault('Publish');
        const qosParam = url.searchParams.get('qos') ?? '0';
        if (qosParam !== '0' && qosParam !== '1') throw new AwsServiceError(400, 'InvalidRequestException', 'qos must be 0 or 1');
        const retain = url.searchParams.get('retain') === 'true';
        if (topic === '' || /[+#]/.test(topic)) throw new AwsServiceError(400, 'InvalidRequestException', `Invalid topic name: ${topic}`);
        if (body.length > SHADOW_LIMITS.payloadBytes) {
          throw new AwsServiceError(413, 'RequestEntityTooLargeException', 'The payload exceeds the maximum size allowed');
        }
        // "You can't publish to a reserved topic with the RETAIN flag set" (MQTT retained messages).
        if (retain && topic.startsWith('$')) throw new AwsServiceError(400, 'InvalidRequestException', `Retained publish to reserved topic ${topic} is not allowed`);
        requireAllowed({ principal: caller.principal, action: 'iot:Publish', resource: iotArn('topic', topic) });
        if (retain) requireAllowed({ principal: caller.principal, action: 'iot:RetainPublish', resource: iotArn('topic', topic) });
        await opts.publish({ topic, payload: body, qos: qosParam === '1' ? 1 : 0, retain });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 0, 'x-amzn-requestid': crypto.randomUUID() });
        res.end();
        return;
      }

      throw new AwsServiceError(404, 'ResourceNotFoundException', `No IoT data plane operation at ${method} ${url.pathname}`);
    } catch (error) {
      sendError(res, error, 'rest-json');
    }
  }, opts.port);
}

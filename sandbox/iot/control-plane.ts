import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore, IssuedCredentials } from '../credentials';
import type { FaultInjector } from '../faults';
import { AwsServiceError, parseJsonBody, sendError, sendJson, startHttpServer, type StartedServer } from '../http';
import { verifySignedRequest } from '../sigv4';
import { SIGNING_NAMES } from '../signing-names';
import { evaluatePolicies } from '../../functions/shared/iot-policy-engine';
import { testInvokeEvent, type AuthorizerDescription, type AuthorizerRegistry, type AuthorizerSettings, type AuthorizerStatus } from './custom-auth';
import { policyArn, type IotRegistry, type StoredPolicy } from './registry';
import type { AuthorizationContext } from './authorization';
import type { ControlPlaneRouter } from './operations/route';
import { parseTestAuthorizationInput, testAuthorization } from './test-authorization';

/**
 * The AWS IoT control plane (policies and their attachments) over its real REST-JSON protocol,
 * so `@aws-sdk/client-iot` works unmodified with `endpoint` / `AWS_ENDPOINT_URL_IOT`. Routes and
 * member names are those of the SDK's operation schemas (client-iot `AttachPolicy$` etc.):
 *
 *   CreatePolicy          POST   /policies/{policyName}            { policyDocument, tags }
 *   GetPolicy             GET    /policies/{policyName}
 *   DeletePolicy          DELETE /policies/{policyName}
 *   ListPolicies          GET    /policies?marker&pageSize&isAscendingOrder
 *   AttachPolicy          PUT    /target-policies/{policyName}     { target }
 *   DetachPolicy          POST   /target-policies/{policyName}     { target }
 *   ListAttachedPolicies  POST   /attached-policies/{target}?recursive&marker&pageSize
 *   ListTargetsForPolicy  POST   /policy-targets/{policyName}?marker&pageSize
 *   DescribeEndpoint      GET    /endpoint?endpointType=iot:Data-ATS
 *   TestAuthorization     POST   /test-authorization?clientId      { principal, authInfos, policyNamesToAdd, policyNamesToSkip }
 *   CreateAuthorizer      POST   /authorizer/{authorizerName}      { authorizerFunctionArn, status, signingDisabled, tokenKeyName }
 *   DescribeAuthorizer    GET    /authorizer/{authorizerName}
 *   UpdateAuthorizer      PUT    /authorizer/{authorizerName}      { status, authorizerFunctionArn, tokenKeyName }
 *   TestInvokeAuthorizer  POST   /authorizer/{authorizerName}/test { token, httpContext, mqttContext, tlsContext }
 *   SetDefaultAuthorizer  POST   /default-authorizer               { authorizerName }
 *   DescribeDefaultAuthorizer GET /default-authorizer
 *
 * Every request must carry a valid SigV4 signature for signing name `iot`. The backend principal
 * may call everything; a Cognito identity only what its role's IAM policy allows (IoT control
 * plane actions are authorized by IAM alone), and never the operator-only operations
 * (TestAuthorization, authorizers).
 */
export interface IotControlPlaneOptions {
  readonly registry: IotRegistry;
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  /** What DescribeEndpoint answers for `iot:Data` / `iot:Data-ATS` (host[:port], no scheme). */
  readonly dataEndpointHost: string;
  /** The endpoint's custom authorizers; without it the authorizer operations answer 404. */
  readonly authorizers?: AuthorizerRegistry;
  readonly now?: () => number;
  readonly port?: number;
  /** Thing policy variables for TestAuthorization (the thing registry). */
  readonly connectionThing?: AuthorizationContext['connectionThing'];
  /** Further operations (thing registry, certificates), tried before the policy routes. */
  readonly routers?: readonly ControlPlaneRouter[];
}

type Operation =
  | 'CreatePolicy'
  | 'GetPolicy'
  | 'DeletePolicy'
  | 'ListPolicies'
  | 'AttachPolicy'
  | 'DetachPolicy'
  | 'ListAttachedPolicies'
  | 'ListTargetsForPolicy'
  | 'DescribeEndpoint'
  | 'TestAuthorization'
  | 'CreateAuthorizer'
  | 'DescribeAuthorizer'
  | 'UpdateAuthorizer'
  | 'TestInvokeAuthorizer'
  | 'SetDefaultAuthorizer'
  | 'DescribeDefaultAuthorizer';

/** Operator tools: the sandbox serves them to the backend credentials only. */
const BACKEND_ONLY: ReadonlySet<string> = new Set<Operation>([
  'TestAuthorization',
  'CreateAuthorizer',
  'DescribeAuthorizer',
  'UpdateAuthorizer',
  'TestInvokeAuthorizer',
  'SetDefaultAuthorizer',
  'DescribeDefaultAuthorizer',
]);

interface Route {
  readonly operation: Operation;
  /** The path label, percent-decoded. */
  readonly label?: string;
}

function route(method: string, path: string): Route | undefined {
  const [, first, second, ...rest] = path.split('/');
  if (method === 'POST' && first === 'authorizer' && second && rest.length === 1 && rest[0] === 'test') {
    return { operation: 'TestInvokeAuthorizer', label: decodeLabel(second) };
  }
  if (rest.length > 0) return undefined;
  const label = second === undefined || second === '' ? undefined : decodeLabel(second);
  const withLabel = (operation: Operation): Route | undefined => (label === undefined ? undefined : { operation, label });
  switch (`${method} ${first}`) {
    case 'POST policies':
      return withLabel('CreatePolicy');
    case 'GET policies':
      return label === undefined ? { operation: 'ListPolicies' } : { operation: 'GetPolicy', label };
    case 'DELETE policies':
      return withLabel('DeletePolicy');
    case 'PUT target-policies':
      return withLabel('AttachPolicy');
    case 'POST target-policies':
      return withLabel('DetachPolicy');
    case 'POST attached-policies':
      return withLabel('ListAttachedPolicies');
    case 'POST policy-targets':
      return withLabel('ListTargetsForPolicy');
    case 'GET endpoint':
      return label === undefined ? { operation: 'DescribeEndpoint' } : undefined;
    case 'POST test-authorization':
      return label === undefined ? { operation: 'TestAuthorization' } : undefined;
    case 'POST authorizer':
      return withLabel('CreateAuthorizer');
    case 'GET authorizer':
      return withLabel('DescribeAuthorizer');
    case 'PUT authorizer':
      return withLabel('UpdateAuthorizer');
    case 'POST default-authorizer':
      return label === undefined ? { operation: 'SetDefaultAuthorizer' } : undefined;
    case 'GET default-authorizer':
      return label === undefined ? { operation: 'DescribeDefaultAuthorizer' } : undefined;
    default:
      return undefined;
  }
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsServiceError(400, 'InvalidRequestException', `Malformed path label: ${raw}`);
  }
}

/** Starts the control plane; `url` is what `AWS_ENDPOINT_URL_IOT` should be set to. */
export async function startIotControlPlane(opts: IotControlPlaneOptions): Promise<StartedServer> {
  const { registry, store, faults } = opts;

  const authorizerRegistry = (): AuthorizerRegistry => {
    if (!opts.authorizers) throw new AwsServiceError(404, 'ResourceNotFoundException', 'This sandbox IoT endpoint has no custom authorizers');
    return opts.authorizers;
  };

  return startHttpServer(async (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      const extra = opts.routers?.map((r) => r({ method, url, headers: req.headers, body })).find((r) => r !== undefined);
      const found = extra ? undefined : route(method, url.pathname);
      const operation = extra?.operation ?? found?.operation;
      if (!operation) throw new AwsServiceError(404, 'UnknownOperationException', `No IoT operation at ${req.method} ${url.pathname}`);
      const caller = verifySignedRequest(
        { method, url: req.url ?? '/', headers: req.headers, body },
        store,
        { service: SIGNING_NAMES.iot, ...(opts.now ? { now: opts.now } : {}) },
      );
      const fault = faults.check(`iot:${operation}`);
      // The IoT control plane models ThrottlingException as HTTP 400 (AWS IoT API Reference, e.g.
      // AttachPolicy errors); the SDK retries it by name. The data plane uses 429.
      if (fault?.kind === 'throttle') throw new AwsServiceError(400, 'ThrottlingException', 'Rate exceeded');
      if (fault?.kind === 'internal') throw new AwsServiceError(500, 'InternalFailureException', 'An unexpected error has occurred (injected fault)');
      checkIam(caller, operation, extra?.resource ?? policyResource(found), registry);
      sendJson(res, 200, extra ? await extra.run() : await handle(found as Route, url.searchParams, body));
    } catch (error) {
      sendIotError(res, error);
    }
  }, opts.port);

  async function handle({ operation, label = '' }: Route, query: URLSearchParams, body: Buffer): Promise<unknown> {
    const int = (name: string) => {
      const v = query.get(name);
      return v === null ? undefined : Number(v);
    };
    const marker = query.get('marker') ?? undefined;
    switch (operation) {
      case 'CreatePolicy': {
        const input = parseJsonBody(body);
        const document = input.policyDocument;
        if (typeof document !== 'string') throw new AwsServiceError(400, 'InvalidRequestException', 'policyDocument is required');
        const p = registry.createPolicy(label, document);
        return { policyName: p.policyName, policyArn: p.policyArn, policyDocument: p.policyDocument, policyVersionId: '1' };
      }
      case 'GetPolicy': {
        const p = registry.getPolicy(label);
        return {
          policyName: p.policyName,
          policyArn: p.policyArn,
          policyDocument: p.policyDocument,
          defaultVersionId: '1',
          // REST-JSON timestamps default to epoch seconds.
          creationDate: p.createdAt.getTime() / 1000,
          lastModifiedDate: p.lastModifiedAt.getTime() / 1000,
          generationId: p.generationId,
        };
      }
      case 'DeletePolicy':
        registry.deletePolicy(label);
        return {};
      case 'ListPolicies': {
        const page = registry.listPolicies(marker, int('pageSize'), query.get('isAscendingOrder') !== 'false');
        return { policies: page.items.map(summary), ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}) };
      }
      case 'AttachPolicy':
      case 'DetachPolicy': {
        const target = parseJsonBody(body).target;
        if (typeof target !== 'string') throw new AwsServiceError(400, 'InvalidRequestException', 'target is required');
        if (operation === 'AttachPolicy') registry.attachPolicy(label, target);
        else registry.detachPolicy(label, target);
        return {};
      }
      case 'ListAttachedPolicies': {
        // `recursive` (thing-group inheritance) has no meaning here: the sandbox has no groups.
        const page = registry.listAttachedPolicies(label, marker, int('pageSize'));
        return { policies: page.items.map(summary), ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}) };
      }
      case 'ListTargetsForPolicy': {
        const page = registry.listTargetsForPolicy(label, marker, int('pageSize'));
        return { targets: page.items, ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}) };
      }
      case 'DescribeEndpoint': {
        // Absent endpointType means the legacy `iot:Data` endpoint (DescribeEndpoint API reference).
        const type = query.get('endpointType') ?? 'iot:Data';
        if (type !== 'iot:Data' && type !== 'iot:Data-ATS') {
          throw new AwsServiceError(400, 'InvalidRequestException', `Endpoint type ${type} is not emulated by the sandbox (only iot:Data and iot:Data-ATS)`);
        }
        return { endpointAddress: opts.dataEndpointHost };
      }
      case 'TestAuthorization':
        return testAuthorization(parseTestAuthorizationInput(parseJsonBody(body), query.get('clientId') ?? undefined), registry, opts.connectionThing);
      case 'CreateAuthorizer': {
        const d = authorizerRegistry().createAuthorizer(label, authorizerSettings(parseJsonBody(body)));
        return { authorizerName: d.authorizerName, authorizerArn: d.authorizerArn };
      }
      case 'UpdateAuthorizer': {
        const d = authorizerRegistry().updateAuthorizer(label, authorizerSettings(parseJsonBody(body)));
        return { authorizerName: d.authorizerName, authorizerArn: d.authorizerArn };
      }
      case 'DescribeAuthorizer':
        return { authorizerDescription: describeAuthorizer(authorizerRegistry().describeAuthorizer(label)) };
      case 'SetDefaultAuthorizer': {
        const name = parseJsonBody(body).authorizerName;
        if (typeof name !== 'string') throw new AwsServiceError(400, 'InvalidRequestException', 'authorizerName is required');
        const d = authorizerRegistry().setDefaultAuthorizer(name);
        return { authorizerName: d.authorizerName, authorizerArn: d.authorizerArn };
      }
      case 'DescribeDefaultAuthorizer':
        return { authorizerDescription: describeAuthorizer(authorizerRegistry().describeDefaultAuthorizer()) };
      case 'TestInvokeAuthorizer':
        return testInvokeAuthorizer(authorizerRegistry(), label, parseJsonBody(body));
    }
  }
}

function describeAuthorizer(d: AuthorizerDescription) {
  return {
    authorizerName: d.authorizerName,
    authorizerArn: d.authorizerArn,
    authorizerFunctionArn: d.authorizerFunctionArn,
    ...(d.tokenKeyName !== undefined ? { tokenKeyName: d.tokenKeyName } : {}),
    status: d.status,
    signingDisabled: d.signingDisabled,
    enableCachingForHttp: d.enableCachingForHttp,
    creationDate: d.creationDate.getTime() / 1000,
    lastModifiedDate: d.lastModifiedDate.getTime() / 1000,
  };
}

function authorizerSettings(input: Record<string, unknown>): AuthorizerSettings {
  const str = (name: string): string | undefined => {
    const v = input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new AwsServiceError(400, 'InvalidRequestException', `${name} must be a string`);
    return v;
  };
  const bool = (name: string): boolean | undefined => {
    const v = input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw new AwsServiceError(400, 'InvalidRequestException', `${name} must be a boolean`);
    return v;
  };
  const functionArn = str('authorizerFunctionArn');
  const status = str('status');
  const tokenKeyName = str('tokenKeyName');
  const signingDisabled = bool('signingDisabled');
  const caching = bool('enableCachingForHttp');
  const keys = input.tokenSigningPublicKeys;
  return {
    ...(functionArn !== undefined ? { authorizerFunctionArn: functionArn } : {}),
    ...(status !== undefined ? { status: status as AuthorizerStatus } : {}),
    ...(tokenKeyName !== undefined ? { tokenKeyName } : {}),
    ...(signingDisabled !== undefined ? { signingDisabled } : {}),
    ...(caching !== undefined ? { enableCachingForHttp: caching } : {}),
    ...(keys && typeof keys === 'object' ? { tokenSigningPublicKeys: keys as Record<string, string> } : {}),
  };
}

/**
 * TestInvokeAuthorizer: invokes the authorizer with an event built from the given contexts and
 * answers its response; an answer IoT would reject is InvalidResponseException (API reference).
 */
async function testInvokeAuthorizer(authorizers: AuthorizerRegistry, name: string, input: Record<string, unknown>) {
  const record = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const http = record(input.httpContext);
  const mqtt = record(input.mqttContext);
  const tls = record(input.tlsContext);
  const token = text(input.token);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(http?.headers) ?? {})) if (typeof v === 'string') headers[k] = v;
  const optional = <K extends string>(key: K, v: string | undefined) => (v !== undefined ? ({ [key]: v } as Record<K, string>) : {});
  const event = testInvokeEvent({
    ...(token !== undefined ? { token } : {}),
    ...(http ? { httpContext: { headers, ...optional('queryString', text(http.queryString)) } } : {}),
    ...(mqtt
      ? { mqttContext: { ...optional('username', text(mqtt.username)), ...optional('password', text(mqtt.password)), ...optional('clientId', text(mqtt.clientId)) } }
      : {}),
    ...(tls ? { tlsContext: optional('serverName', text(tls.serverName)) } : {}),
  });
  const result = await authorizers.invoke(name, event);
  if (result.ok) {
    const { isAuthenticated, principalId, policyDocuments, refreshAfterInSeconds, disconnectAfterInSeconds } = result.response;
    return { isAuthenticated, principalId, policyDocuments, refreshAfterInSeconds, disconnectAfterInSeconds };
  }
  if (result.kind === 'not-authenticated') return { isAuthenticated: false };
  throw new AwsServiceError(400, 'InvalidResponseException', result.detail);
}

function summary(p: StoredPolicy) {
  return { policyName: p.policyName, policyArn: p.policyArn };
}

/**
 * Control-plane calls are authorized by IAM only: a Cognito identity needs its role to allow
 * `iot:<Operation>` on the policy ARN (or `*` for list/describe operations).
 */
/** The IAM resource of a policy operation: the policy ARN, or `*` for list/describe operations. */
function policyResource(found: Route | undefined): string {
  return found?.label !== undefined && found.operation !== 'ListAttachedPolicies' ? policyArn(found.label) : '*';
}

/**
 * Control-plane calls are authorized by IAM only: a Cognito identity needs its role to allow
 * `iot:<Operation>` on the resource (the policy, thing or certificate ARN, or `*`).
 */
function checkIam(caller: IssuedCredentials, operation: string, resource: string, registry: IotRegistry): void {
  const principal = caller.principal;
  if (principal.kind === 'backend') return;
  const who = `${principal.roleArn}/${principal.identityId}`;
  if (BACKEND_ONLY.has(operation)) {
    throw new AwsServiceError(403, 'AccessDeniedException', `User: ${who} is not authorized to perform: iot:${operation} (the sandbox serves it to the backend credentials only)`);
  }
  const policies = registry.context.rolePolicies(principal.roleArn) ?? [];
  const verdict = evaluatePolicies(policies, `iot:${operation}`, resource, { identityId: principal.identityId });
  if (verdict.effect !== 'allow') {
    throw new AwsServiceError(403, 'AccessDeniedException', `User: ${who} is not authorized to perform: iot:${operation} on resource: ${resource}`);
  }
}

/** sendError, plus the extra members some IoT errors carry (ResourceAlreadyExistsException: resourceId, resourceArn). */
function sendIotError(res: ServerResponse, error: unknown): void {
  if (error instanceof AwsServiceError && ('resourceArn' in error || 'resourceId' in error)) {
    const extra = error as AwsServiceError & { resourceId?: string; resourceArn?: string };
    const text = JSON.stringify({ __type: error.type, message: error.message, resourceId: extra.resourceId, resourceArn: extra.resourceArn });
    res.writeHead(error.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amzn-errortype': error.type,
      'x-amzn-requestid': crypto.randomUUID(),
    });
    res.end(text);
    return;
  }
  sendError(res, error, 'rest-json');
}

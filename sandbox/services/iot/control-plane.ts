import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore, IssuedCredentials } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { AwsServiceError, parseJsonBody, sendError, sendJson, startHttpServer, type StartedServer } from '../../wire/http';
import { verifySignedRequest } from '../../wire/sigv4';
import { SIGNING_NAMES } from '../../wire/signing-names';
import { evaluatePolicies } from '../../../functions/shared/iot-policy/engine';
import type { AuthorizerRegistry } from './custom-auth';
import { policyArn, type IotRegistry } from './registry';
import type { AuthorizationContext } from './authorization';
import { runAuthorizerOperation } from './operations/authorizers';
import { describeEndpoint, runPolicyOperation } from './operations/policies';
import { BACKEND_ONLY, route, type Route } from './operations/policy-routes';
import type { ControlPlaneRequest, ControlPlaneRoute, ControlPlaneRouter } from './operations/route';
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

/** Starts the control plane; `url` is what `AWS_ENDPOINT_URL_IOT` should be set to. */
export async function startIotControlPlane(opts: IotControlPlaneOptions): Promise<StartedServer> {
  return startHttpServer(async (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    try {
      const request: ControlPlaneRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://localhost'), headers: req.headers, body };
      const found = findOperation(opts, request);
      const caller = verifySignedRequest(
        { method: request.method, url: req.url ?? '/', headers: req.headers, body },
        opts.store,
        { service: SIGNING_NAMES.iot, ...(opts.now ? { now: opts.now } : {}) },
      );
      const fault = opts.faults.check(`iot:${found.operation}`);
      // The IoT control plane models ThrottlingException as HTTP 400 (AWS IoT API Reference, e.g.
      // AttachPolicy errors); the SDK retries it by name. The data plane uses 429.
      if (fault?.kind === 'throttle') throw new AwsServiceError(400, 'ThrottlingException', 'Rate exceeded');
      if (fault?.kind === 'internal') throw new AwsServiceError(500, 'InternalFailureException', 'An unexpected error has occurred (injected fault)');
      checkIam(caller, found.operation, found.resource, opts.registry);
      sendJson(res, 200, await found.run());
    } catch (error) {
      sendIotError(res, error);
    }
  }, { ...(opts.port !== undefined ? { port: opts.port } : {}), ...(opts.now ? { now: opts.now } : {}) });
}

/** The further routers first (things, certificates), then the policy and authorizer routes. */
function findOperation(opts: IotControlPlaneOptions, request: ControlPlaneRequest): ControlPlaneRoute {
  const extra = opts.routers?.map((r) => r(request)).find((r) => r !== undefined);
  if (extra) return extra;
  const found = route(request.method, request.url.pathname);
  if (!found) throw new AwsServiceError(404, 'UnknownOperationException', `No IoT operation at ${request.method} ${request.url.pathname}`);
  return { operation: found.operation, resource: policyResource(found), run: () => runOperation(opts, found, request) };
}

function runOperation(opts: IotControlPlaneOptions, found: Route, { url, body }: ControlPlaneRequest): unknown {
  switch (found.operation) {
    case 'DescribeEndpoint':
      return describeEndpoint(url.searchParams, opts.dataEndpointHost);
    case 'TestAuthorization':
      return testAuthorization(parseTestAuthorizationInput(parseJsonBody(body), url.searchParams.get('clientId') ?? undefined), opts.registry, opts.connectionThing);
    default:
      return BACKEND_ONLY.has(found.operation) ? runAuthorizerOperation(opts.authorizers, found, body) : runPolicyOperation(opts.registry, found, url.searchParams, body);
  }
}

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

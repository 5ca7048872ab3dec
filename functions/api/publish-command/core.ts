import { PublishCommand } from '@aws-sdk/client-iot-data-plane';
import * as z from 'zod/mini';
import { classifyAwsError } from '../../shared/aws/classify';
import type { Log } from '../../shared/observability/logging';
import { ApiRoutes } from '../../shared/routes';
import { deviceNameMessage, deviceNameProblem } from '../../shared/devices/device-name';
import { jsonTextNestsDeeperThan, SHADOW_LIMITS } from '../../shared/devices/shadow-limits';
import { NotOnboardedError, type UserAccessCache } from './access-cache';
export { NOT_ONBOARDED_RETRY_AFTER_SECONDS } from './access-cache';
import { ApiError } from './api-errors';
import { assertOwner, claim, listDevices, release, type DeviceRouteDeps } from './devices';
import { twinTopic } from '../../shared/iot-policy/user-policy';

export interface CommandApiDeps {
  readonly access: Pick<UserAccessCache, 'get'>;
  readonly log: Log;
  /** Public details a client needs to connect: the account's ATS data endpoint host and region. */
  readonly config: { readonly iotEndpoint: string; readonly region: string };
  /** Unique command ids (the shadow `clientToken`). */
  readonly newCommandId: () => string;
  /**
   * Starts or redrives the user's deterministic onboarding execution, exactly as the
   * post-authentication trigger would (token refreshes never run the trigger: design section 9).
   */
  readonly ensureOnboarding: (user: { readonly sub: string; readonly username: string; readonly onboardedAttribute?: string | undefined }) => Promise<string>;
  /** The thing registry (ownership) and the ownership cache of the command path. */
  readonly devices: DeviceRouteDeps;
  /** Answer 502 UpstreamFailure after this long. Default: no deadline. */
  readonly deadlineMs?: number;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The fields of an HTTP API (payload 2.0) event with a JWT authorizer that the API reads. */
const apiEventSchema = z.object({
  routeKey: z.string(),
  pathParameters: z.optional(z.record(z.string(), z.string())),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  requestContext: z.object({
    requestId: z.string(),
    authorizer: z.optional(
      z.object({
        jwt: z.object({ claims: z.record(z.string(), z.unknown()) }),
      }),
    ),
  }),
});

type ApiEvent = z.infer<typeof apiEventSchema>;

/** Handles one API request; every failure becomes a JSON error with a stable code. */
export async function handleApiRequest(event: unknown, deps: CommandApiDeps): Promise<ApiResponse> {
  const parsed = apiEventSchema.safeParse(event);
  if (!parsed.success) {
    deps.log.error('Not an HTTP API payload 2.0 event', { issues: parsed.error.issues.map((i) => i.message) });
    return errorResponse(new ApiError('InvalidCommand', 'Malformed request event'));
  }
  const request = parsed.data;
  try {
    return await withinDeadline(route(request, deps), deps.deadlineMs);
  } catch (error) {
    return rejection(error, request.requestContext.requestId, deps);
  }
}

async function route(request: ApiEvent, deps: CommandApiDeps): Promise<ApiResponse> {
  const caller = callerOf(request);
  switch (request.routeKey) {
    case ApiRoutes.PublishCommand:
      return await publishCommand(request, caller, deps);
    case ApiRoutes.GetCredentials:
      return await getCredentials(caller, deps);
    case ApiRoutes.ListDevices:
    case ApiRoutes.ClaimDevice:
    case ApiRoutes.ReleaseDevice:
      return await deviceRoute(request, caller, deps);
    default:
      throw new ApiError('RouteNotFound', `No route ${request.routeKey}`);
  }
}

/**
 * Answers before the HTTP API's 30 s integration timeout even when every SDK call of a cold
 * request runs to its worst case (time-budgets.ts). Every write behind it is conditional or
 * idempotent, so the client's retry completes what was cut short.
 */
async function withinDeadline(work: Promise<ApiResponse>, deadlineMs: number | undefined): Promise<ApiResponse> {
  if (deadlineMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError('UpstreamFailure', 'AWS did not answer in time; retry later')), deadlineMs);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function rejection(error: unknown, requestId: string, deps: CommandApiDeps): Promise<ApiResponse> {
  if (!(error instanceof ApiError)) {
    deps.log.error('Unexpected failure', { requestId, cause: describeCause(error) });
    return errorResponse(new ApiError('UpstreamFailure', 'The request failed unexpectedly; retry later'));
  }
  const level = error.status >= 500 ? 'error' : 'warn';
  deps.log[level]('Request rejected', { requestId, code: error.code, reason: error.message, cause: describeCause(error.cause) });
  if (!(error instanceof NotOnboardedError)) return errorResponse(error);
  const { sub, username, onboardedVersion } = error.user;
  try {
    // After an offboarding, custom:iot_onboarded holds its marker: the onboarding name derives from it.
    const action = await deps.ensureOnboarding({ sub, username, onboardedAttribute: onboardedVersion });
    deps.log.info('Onboarding ensured by the API', { requestId, sub, action });
  } catch (cause) {
    // The 409 stands either way: the client retries, and that retry ensures onboarding again.
    deps.log.error('Could not ensure onboarding', { requestId, sub, cause: describeCause(cause) });
  }
  return errorResponse(error);
}

interface Caller {
  readonly sub: string;
  readonly username: string;
}

function callerOf(request: ApiEvent): Caller {
  const claims = request.requestContext.authorizer?.jwt.claims ?? {};
  // The JWT authorizer checks signature, issuer, audience/client_id and expiry; it also lets an
  // access token through (its client_id matches). The API takes ID tokens only: they name the
  // user (`cognito:username`) and are what the client flow hands out.
  if (claims.token_use !== 'id') {
    throw new ApiError('Unauthenticated', `Send the user's Cognito ID token (token_use "id"); this token's token_use is "${String(claims.token_use ?? 'missing')}"`);
  }
  const sub = claims.sub;
  const username = claims['cognito:username'];
  if (typeof sub !== 'string' || sub === '' || typeof username !== 'string' || username === '') {
    throw new ApiError('Unauthenticated', 'The ID token has no sub or cognito:username claim');
  }
  return { sub, username };
}

async function getCredentials(caller: Caller, deps: CommandApiDeps): Promise<ApiResponse> {
  const access = await deps.access.get(caller.sub, caller.username);
  return json(200, {
    identityId: access.identityId,
    token: access.token,
    tokenExpiresAt: new Date(access.tokenExpiresAt).toISOString(),
    iotEndpoint: deps.config.iotEndpoint,
    region: deps.config.region,
  });
}

async function deviceRoute(request: ApiEvent, caller: Caller, deps: CommandApiDeps): Promise<ApiResponse> {
  const { identityId } = await deps.access.get(caller.sub, caller.username);
  if (request.routeKey === ApiRoutes.ListDevices) return json(200, await listDevices(deps.devices, identityId));
  const thingName = request.pathParameters?.thingName ?? '';
  validateThingName(thingName);
  const result =
    request.routeKey === ApiRoutes.ClaimDevice
      ? await claim(deps.devices, thingName, identityId, parseJsonBody(request, 'InvalidClaimRequest'))
      : await release(deps.devices, thingName, identityId);
  deps.log.info(request.routeKey === ApiRoutes.ClaimDevice ? 'Device claimed' : 'Device released', { requestId: request.requestContext.requestId, thingName, identityId });
  return json(200, result);
}

async function publishCommand(request: ApiEvent, caller: Caller, deps: CommandApiDeps): Promise<ApiResponse> {
  const thingName = request.pathParameters?.thingName ?? '';
  validateThingName(thingName);
  const desired = parseDesiredState(request);
  const commandId = deps.newCommandId();
  const payload = JSON.stringify({ state: { desired }, clientToken: commandId });

  const access = await deps.access.get(caller.sub, caller.username);
  await assertOwner(deps.devices, thingName, access.identityId);
  // The twin in the caller's own namespace: the user's policy allows it, the device listens there.
  const topic = twinTopic(access.identityId, thingName, 'update');
  try {
    await access.iotData.send(new PublishCommand({ topic, qos: 1, payload: new TextEncoder().encode(payload) }));
  } catch (error) {
    const kind = classifyAwsError(error);
    if (kind === 'denied') {
      throw new ApiError('PublishDenied', `Your IoT policy does not allow publishing to ${thingName}`, { cause: error });
    }
    if (kind === 'throttled') throw new ApiError('Throttled', 'AWS IoT is throttling publishes; retry with backoff', { cause: error });
    throw new ApiError('UpstreamFailure', 'AWS IoT did not accept the publish; retry later', { cause: error });
  }
  deps.log.info('Command published', { requestId: request.requestContext.requestId, commandId, thingName, identityId: access.identityId });
  return json(202, { commandId, thingName, topic });
}

function validateThingName(thingName: string) {
  const problem = deviceNameProblem(thingName);
  if (problem !== undefined) throw new ApiError('InvalidThingName', deviceNameMessage(problem, thingName));
}

/**
 * The largest body parsed at all: an MQTT message's payload (128 KB), far above any valid desired
 * state (8 KB) or claim, far below the HTTP API's 10 MB request limit.
 */
const MAX_BODY_BYTES = SHADOW_LIMITS.payloadBytes;

/** Size and depth are bounded before parsing (a 1 MB body of 100,000 brackets must not reach JSON.parse). */
function parseJsonBody(request: ApiEvent, kind: 'InvalidCommand' | 'InvalidClaimRequest'): unknown {
  if (request.body === undefined || request.body === '') {
    throw new ApiError(kind, kind === 'InvalidCommand' ? 'The request body must be a JSON object: the desired state, e.g. {"power":"OFF"}' : 'The body must be {"claimCode": "..."}');
  }
  // base64 is 4 characters per 3 bytes: an encoded body this long decodes to more than the limit.
  if (request.body.length > (request.isBase64Encoded ? Math.ceil(MAX_BODY_BYTES / 3) * 4 : MAX_BODY_BYTES)) throw bodyTooLarge(kind);
  const text = request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw bodyTooLarge(kind);
  if (jsonTextNestsDeeperThan(text, SHADOW_LIMITS.stateDepth)) {
    throw new ApiError(kind, `The body nests deeper than ${SHADOW_LIMITS.stateDepth} levels; the shadow limit is ${SHADOW_LIMITS.stateDepth}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(kind, 'The request body is not valid JSON');
  }
}

function bodyTooLarge(kind: 'InvalidCommand' | 'InvalidClaimRequest'): ApiError {
  const limit = `${MAX_BODY_BYTES / 1024} KB`;
  if (kind === 'InvalidClaimRequest') return new ApiError(kind, `The body is over ${limit}; it must be {"claimCode": "..."}`);
  return new ApiError('CommandTooLarge', `The body is over ${limit}; a desired state is at most ${SHADOW_LIMITS.stateBytes} bytes`);
}

function parseDesiredState(request: ApiEvent): Record<string, unknown> {
  const value = parseJsonBody(request, 'InvalidCommand');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('InvalidCommand', 'The desired state must be a JSON object, e.g. {"power":"OFF"}');
  }
  if (Object.keys(value).length === 0) {
    throw new ApiError('InvalidCommand', 'The desired state is empty; name at least one field');
  }
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > SHADOW_LIMITS.stateBytes) {
    throw new ApiError('CommandTooLarge', `The desired state is ${bytes} bytes; the shadow limit is ${SHADOW_LIMITS.stateBytes}`);
  }
  return value as Record<string, unknown>;
}

function json(statusCode: number, body: unknown): ApiResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function errorResponse(error: ApiError): ApiResponse {
  const response = json(error.status, { error: error.code, message: error.message });
  if (error.retryAfterSeconds === undefined) return response;
  return { ...response, headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) } };
}

function describeCause(cause: unknown): unknown {
  if (cause instanceof Error) {
    return { name: cause.name, message: cause.message, ...(cause.cause ? { cause: describeCause(cause.cause) } : {}) };
  }
  return cause;
}

import { isDeepStrictEqual } from 'node:util';
import { SHADOW_LIMITS, jsonDepth, thingNameProblem } from '../../functions/shared/shadow-limits';

/**
 * The Device Shadow service, transport-independent: a request goes in, a result and the messages
 * to publish on the reserved shadow topics come out. The broker (MQTT publishes to
 * `$aws/things/{thing}/shadow/...`) and the REST data plane (GetThingShadow, UpdateThingShadow,
 * DeleteThingShadow) share it, so both see one shadow store.
 *
 * Mirrored AWS behaviour (AWS IoT developer guide: "Device Shadow service documents",
 * "Device Shadow MQTT topics", "Device Shadow error messages", AWS IoT Core quotas):
 *  - updates merge into `desired`/`reported`; `null` deletes a key, a `null` section removes
 *    the section; arrays are replaced whole; every accepted update increments `version`;
 *  - a request `version` that differs from the current one is rejected 409 "Version conflict";
 *  - `clientToken` (at most 64 bytes) is echoed in every response;
 *  - `metadata` holds a `timestamp` (epoch seconds) per leaf; `delta` holds the desired keys
 *    whose value differs from reported;
 *  - desired and reported are each limited to 8 KB and 6 levels of nesting; a request payload
 *    to 128 KB;
 *  - deleting keeps the version number: the next update continues from it;
 *  - over MQTT errors go to `.../rejected`; over REST they are the HTTP error and nothing is
 *    published on `rejected`.
 */

export type ShadowOperation = 'get' | 'update' | 'delete';
export type ShadowTransport = 'mqtt' | 'http';

export interface ShadowRequest {
  readonly operation: ShadowOperation;
  readonly thingName: string;
  /** Named shadow; undefined for the classic (unnamed) shadow. */
  readonly shadowName?: string;
  readonly payload: Buffer;
  /** Over MQTT rejections are published on `.../rejected`; over HTTP they are only returned. */
  readonly transport: ShadowTransport;
}

export interface ShadowMessage {
  readonly topic: string;
  readonly payload: Buffer;
}

/** The error codes of "Device Shadow error messages", with the REST data plane's exception names. */
export interface ShadowError {
  readonly code: 400 | 404 | 409 | 413 | 415;
  readonly message: string;
  readonly errorType:
    | 'InvalidRequestException'
    | 'ResourceNotFoundException'
    | 'ConflictException'
    | 'RequestEntityTooLargeException'
    | 'UnsupportedDocumentEncodingException';
}

export type ShadowResult =
  | { readonly ok: true; readonly document: JsonObject; readonly messages: readonly ShadowMessage[] }
  | { readonly ok: false; readonly error: ShadowError; readonly messages: readonly ShadowMessage[] };

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

interface StoredShadow {
  /** Undefined after DeleteThingShadow (the version survives deletion). */
  state?: { desired?: JsonObject; reported?: JsonObject };
  metadata: { desired?: JsonObject; reported?: JsonObject };
  version: number;
}

/** A parsed shadow topic, or undefined when the topic is not a shadow request topic. */
export interface ShadowTopic {
  readonly thingName: string;
  readonly shadowName?: string;
  readonly operation: ShadowOperation;
}

/** The reserved topic prefix of a shadow ("Device Shadow MQTT topics": ShadowTopicPrefix). */
export function shadowTopicPrefix(thingName: string, shadowName?: string): string {
  return shadowName === undefined ? `$aws/things/${thingName}/shadow` : `$aws/things/${thingName}/shadow/name/${shadowName}`;
}

const REQUEST_TOPIC = /^\$aws\/things\/([^/]+)\/shadow(?:\/name\/([^/]+))?\/(get|update|delete)$/;

/** Recognises the three request topics a client publishes to (`.../get`, `.../update`, `.../delete`). */
export function parseShadowRequestTopic(topic: string): ShadowTopic | undefined {
  const m = REQUEST_TOPIC.exec(topic);
  if (!m || m[1] === undefined || m[3] === undefined) return undefined;
  return { thingName: m[1], ...(m[2] !== undefined ? { shadowName: m[2] } : {}), operation: m[3] as ShadowOperation };
}

const CLIENT_TOKEN_MAX_BYTES = 64;
const SHADOW_NAME_PATTERN = /^[a-zA-Z0-9:_-]{1,64}$/;

export interface ShadowEngineOptions {
  /** Clock in milliseconds; shadow timestamps are epoch seconds. Default `Date.now`. */
  readonly now?: () => number;
}

/** Creates an empty shadow store. */
export function createShadowEngine(opts: ShadowEngineOptions = {}) {
  const now = opts.now ?? Date.now;
  const shadows = new Map<string, StoredShadow>();
  const key = (thing: string, name?: string) => `${thing}\u0000${name ?? ''}`;

  function handle(request: ShadowRequest): ShadowResult {
    const timestamp = Math.floor(now() / 1000);
    const prefix = shadowTopicPrefix(request.thingName, request.shadowName);
    const reject = (error: ShadowError, clientToken?: string): ShadowResult => ({
      ok: false,
      error,
      // "Device Shadow error messages": the error document is published only in answer to an
      // MQTT request; REST callers get the HTTP error and no MQTT message.
      messages:
        request.transport === 'mqtt'
          ? [message(`${prefix}/${request.operation}/rejected`, { code: error.code, message: error.message, timestamp, ...(clientToken !== undefined ? { clientToken } : {}) })]
          : [],
    });

    const nameProblem = thingNameProblem(request.thingName);
    if (nameProblem) return reject(invalid(`Invalid thing name: ${request.thingName}`));
    if (request.shadowName !== undefined && !SHADOW_NAME_PATTERN.test(request.shadowName)) {
      return reject(invalid(`Invalid shadow name: ${request.shadowName}`));
    }
    if (request.payload.length > SHADOW_LIMITS.payloadBytes) return reject(tooLarge());

    const body = parseBody(request);
    if ('error' in body) return reject(body.error);
    const clientToken = body.clientToken;

    const id = key(request.thingName, request.shadowName);
    const stored = shadows.get(id);
    const notFound = (): ShadowResult =>
      reject(
        {
          code: 404,
          errorType: 'ResourceNotFoundException',
          message: `No shadow exists with name: '${request.shadowName ?? request.thingName}'`,
        },
        clientToken,
      );
    const withToken = <T extends JsonObject>(doc: T): T => (clientToken !== undefined ? { ...doc, clientToken } : doc);

    if (request.operation === 'get') {
      if (!stored?.state) return notFound();
      const document = withToken(fullDocument(stored, timestamp));
      return { ok: true, document, messages: request.transport === 'mqtt' ? [message(`${prefix}/get/accepted`, document)] : [] };
    }

    if (request.operation === 'delete') {
      if (!stored?.state) return notFound();
      // "Deleting a shadow does not reset its version number to 0."
      shadows.set(id, { metadata: {}, version: stored.version });
      const document = withToken({ version: stored.version, timestamp });
      return { ok: true, document, messages: [message(`${prefix}/delete/accepted`, document)] };
    }

    // update
    const update = body.update;
    if (!update) return reject(invalid('Missing required node: state'), clientToken);
    const currentVersion = stored?.version ?? 0;
    if (update.version !== undefined && update.version !== currentVersion) {
      return reject({ code: 409, errorType: 'ConflictException', message: 'Version conflict' }, clientToken);
    }

    const previous = stored?.state ? snapshot(stored) : undefined;
    const next: StoredShadow = {
      state: { ...(stored?.state ?? {}) },
      metadata: { ...(stored?.state ? stored.metadata : {}) },
      version: currentVersion + 1,
    };
    const acceptedState: JsonObject = {};
    const acceptedMetadata: JsonObject = {};
    for (const section of ['desired', 'reported'] as const) {
      if (!(section in update.state)) continue;
      const patch = update.state[section];
      acceptedState[section] = patch ?? null;
      acceptedMetadata[section] = patch === null || patch === undefined ? { timestamp } : stampMetadata(patch, timestamp);
      const state = next.state ?? {};
      if (patch === null || patch === undefined) {
        // "If an update causes the desired or reported sections to become null, the section is removed."
        delete state[section];
        delete next.metadata[section];
        continue;
      }
      const merged = mergeState(state[section] ?? {}, patch);
      const mergedMetadata = mergeMetadata(next.metadata[section] ?? {}, patch, timestamp);
      if (Object.keys(merged).length === 0) {
        delete state[section];
        delete next.metadata[section];
      } else {
        state[section] = merged;
        next.metadata[section] = mergedMetadata;
      }
      next.state = state;
    }
    for (const section of ['desired', 'reported'] as const) {
      const value = next.state?.[section];
      if (value !== undefined && byteLength(value) > SHADOW_LIMITS.stateBytes) return reject(tooLarge(), clientToken);
    }
    shadows.set(id, next);

    const accepted = withToken({ state: acceptedState, metadata: acceptedMetadata, version: next.version, timestamp });
    const messages: ShadowMessage[] = [message(`${prefix}/update/accepted`, accepted)];
    const delta = computeDelta(next.state?.desired, next.state?.reported);
    // "/update/delta": published when an accepted change leaves desired and reported different;
    // the message holds every differing desired attribute, whether or not this update set it.
    // The sandbox publishes it when the update carried a `desired` section (a reported-only
    // update that leaves an old difference in place publishes no new delta).
    if (delta && update.state.desired) {
      messages.push(
        message(`${prefix}/update/delta`, withToken({ version: next.version, timestamp, state: delta, metadata: pickMetadata(next.metadata.desired ?? {}, delta) })),
      );
    }
    messages.push(
      message(
        `${prefix}/update/documents`,
        withToken({ ...(previous ? { previous } : {}), current: snapshot(next), timestamp }),
      ),
    );
    return { ok: true, document: accepted, messages };
  }

  return {
    handle,
    /** Names of the thing's named shadows that exist (deleted ones excluded), sorted: ListNamedShadowsForThing. */
    namedShadows(thingName: string): string[] {
      const prefix = key(thingName, '');
      return [...shadows]
        .filter(([id, stored]) => id.startsWith(prefix) && id !== prefix && stored.state !== undefined)
        .map(([id]) => id.slice(prefix.length))
        .sort();
    },
    /** The current document (as GetThingShadow returns it), or undefined. For tests and tools. */
    peek(thingName: string, shadowName?: string): JsonObject | undefined {
      const stored = shadows.get(key(thingName, shadowName));
      return stored?.state ? fullDocument(stored, Math.floor(now() / 1000)) : undefined;
    },
    clear(): void {
      shadows.clear();
    },
  };
}

export type ShadowEngine = ReturnType<typeof createShadowEngine>;

interface ParsedUpdate {
  readonly state: { desired?: JsonObject | null; reported?: JsonObject | null };
  readonly version?: number;
}

type ParsedBody = { readonly clientToken?: string; readonly update?: ParsedUpdate } | { readonly error: ShadowError };

const invalid = (message: string): ShadowError => ({ code: 400, errorType: 'InvalidRequestException', message });
const tooLarge = (): ShadowError => ({ code: 413, errorType: 'RequestEntityTooLargeException', message: 'The payload exceeds the maximum size allowed' });

function parseBody(request: ShadowRequest): ParsedBody {
  // "/get" and "/delete": the message may be empty (or carry only a clientToken).
  if (request.payload.length === 0) return request.operation === 'update' ? { error: invalid('Invalid JSON') } : {};
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(request.payload);
  } catch {
    return { error: { code: 415, errorType: 'UnsupportedDocumentEncodingException', message: 'Unsupported documented encoding; supported encoding is UTF-8' } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (request.operation !== 'update' && request.transport === 'mqtt') return {};
    return { error: invalid('Invalid JSON') };
  }
  if (!isObject(value)) return request.operation === 'update' ? { error: invalid('Invalid JSON') } : {};

  const token = value.clientToken;
  if (token !== undefined && (typeof token !== 'string' || Buffer.byteLength(token) > CLIENT_TOKEN_MAX_BYTES)) {
    return { error: invalid('Invalid clientToken') };
  }
  const clientToken = token;
  if (request.operation !== 'update') return clientToken !== undefined ? { clientToken } : {};

  const fail = (message: string): ParsedBody => ({ error: { ...invalid(message) } });
  if (!('state' in value)) return fail('Missing required node: state');
  const state = value.state;
  if (!isObject(state)) return fail('State node must be an object');
  for (const k of Object.keys(state)) {
    if (k !== 'desired' && k !== 'reported') return fail('State contains an invalid node');
  }
  const desired = state.desired;
  const reported = state.reported;
  if (desired !== undefined && desired !== null && !isObject(desired)) return fail('Desired node must be an object');
  if (reported !== undefined && reported !== null && !isObject(reported)) return fail('Reported node must be an object');
  const version = value.version;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 0)) return fail('Invalid version');
  for (const section of [desired, reported]) {
    if (isObject(section) && jsonDepth(section) > SHADOW_LIMITS.stateDepth) {
      return fail(`JSON contains too many levels of nesting; maximum is ${SHADOW_LIMITS.stateDepth}`);
    }
    if (isObject(section) && byteLength(section) > SHADOW_LIMITS.stateBytes) return { error: tooLarge() };
  }
  const parsedState: ParsedUpdate['state'] = {
    ...('desired' in state ? { desired: (desired ?? null) as JsonObject | null } : {}),
    ...('reported' in state ? { reported: (reported ?? null) as JsonObject | null } : {}),
  };
  const withVersion = version !== undefined ? { version: version as number } : {};
  return { ...(clientToken !== undefined ? { clientToken } : {}), update: { state: parsedState, ...withVersion } };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Size the way the quota counts it: the compact JSON of the section, metadata excluded. */
function byteLength(value: Json): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function message(topic: string, body: JsonObject): ShadowMessage {
  return { topic, payload: Buffer.from(JSON.stringify(body)) };
}

/** Merges a request section into a stored one: objects merge, `null` deletes, the rest replaces. */
function mergeState(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v)) {
      const existing = out[k];
      const merged = mergeState(isObject(existing) ? existing : {}, v);
      out[k] = merged;
    } else out[k] = v;
  }
  return out;
}

/** Metadata for the leaves a request touched: `{ timestamp }` per leaf, one per array element. */
function stampMetadata(patch: JsonObject, timestamp: number): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(patch)) out[k] = stampValue(v, timestamp);
  return out;
}

function stampValue(value: Json, timestamp: number): Json {
  if (isObject(value)) return stampMetadata(value, timestamp);
  if (Array.isArray(value)) return value.map(() => ({ timestamp }));
  return { timestamp };
}

function mergeMetadata(target: JsonObject, patch: JsonObject, timestamp: number): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v)) {
      const existing = out[k];
      out[k] = mergeMetadata(isObject(existing) && !('timestamp' in existing && Object.keys(existing).length === 1) ? existing : {}, v, timestamp);
    } else out[k] = stampValue(v, timestamp);
  }
  return out;
}

/**
 * The delta: desired attributes absent from reported or different from it; nested objects
 * recurse so only the differing leaves appear ("Device Shadow MQTT topics", /update/delta rules).
 */
export function computeDelta(desired: JsonObject | undefined, reported: JsonObject | undefined): JsonObject | undefined {
  if (!desired) return undefined;
  const out: JsonObject = {};
  for (const [k, want] of Object.entries(desired)) {
    const have = reported?.[k];
    if (isObject(want) && isObject(have)) {
      const nested = computeDelta(want, have);
      if (nested) out[k] = nested;
    } else if (have === undefined || !isDeepStrictEqual(want, have)) {
      out[k] = want;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function pickMetadata(metadata: JsonObject, shape: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(shape)) {
    const m = metadata[k];
    if (m === undefined) continue;
    out[k] = isObject(v) && isObject(m) && !('timestamp' in m && Object.keys(m).length === 1) ? pickMetadata(m, v) : m;
  }
  return out;
}

function snapshot(stored: StoredShadow): JsonObject {
  return {
    state: { ...(stored.state?.desired ? { desired: stored.state.desired } : {}), ...(stored.state?.reported ? { reported: stored.state.reported } : {}) },
    metadata: { ...(stored.metadata.desired ? { desired: stored.metadata.desired } : {}), ...(stored.metadata.reported ? { reported: stored.metadata.reported } : {}) },
    version: stored.version,
  };
}

/** The whole document as /get/accepted and GetThingShadow return it (with `delta` when any). */
function fullDocument(stored: StoredShadow, timestamp: number): JsonObject {
  const base = snapshot(stored);
  const delta = computeDelta(stored.state?.desired, stored.state?.reported);
  if (delta && isObject(base.state)) base.state = { ...base.state, delta };
  return { ...base, timestamp };
}

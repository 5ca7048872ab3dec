import { SHADOW_LIMITS, SHADOW_NAME_PATTERN, thingNameProblem } from '../../../../functions/shared/devices/shadow-limits';
import { fullDocument, message } from './documents';
import { deleteShadow, getShadow, updateShadow, type ShadowCall } from './operations';
import { invalid, parseBody, tooLarge } from './request';
import { shadowTopicPrefix } from './topics';
import type { JsonObject, ShadowError, ShadowRequest, ShadowResult, StoredShadow } from './types';

export * from './types';
export { parseShadowRequestTopic, shadowTopicPrefix } from './topics';
export { computeDelta } from './documents';

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
    const reject = rejecter(request, timestamp);
    const problem = requestProblem(request);
    if (problem) return reject(problem);
    const body = parseBody(request);
    if ('error' in body) return reject(body.error);
    const id = key(request.thingName, request.shadowName);
    const call: ShadowCall = {
      timestamp,
      prefix: shadowTopicPrefix(request.thingName, request.shadowName),
      mqtt: request.transport === 'mqtt',
      stored: shadows.get(id),
      clientToken: body.clientToken,
      reject,
      notFound: () =>
        reject({ code: 404, errorType: 'ResourceNotFoundException', message: `No shadow exists with name: '${request.shadowName ?? request.thingName}'` }, body.clientToken),
    };
    if (request.operation === 'get') return getShadow(call);
    if (request.operation === 'update' && !body.update) return reject(invalid('Missing required node: state'), body.clientToken);
    const { result, next } = body.update && request.operation === 'update' ? updateShadow(call, body.update) : deleteShadow(call);
    if (next) shadows.set(id, next);
    return result;
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

/** Thing name, shadow name and payload size, checked before the payload is parsed. */
function requestProblem(request: ShadowRequest): ShadowError | undefined {
  if (thingNameProblem(request.thingName)) return invalid(`Invalid thing name: ${request.thingName}`);
  if (request.shadowName !== undefined && !SHADOW_NAME_PATTERN.test(request.shadowName)) return invalid(`Invalid shadow name: ${request.shadowName}`);
  if (request.payload.length > SHADOW_LIMITS.payloadBytes) return tooLarge();
  return undefined;
}

function rejecter(request: ShadowRequest, timestamp: number) {
  const prefix = shadowTopicPrefix(request.thingName, request.shadowName);
  return (error: ShadowError, clientToken?: string): ShadowResult => ({
    ok: false,
    error,
    // "Device Shadow error messages": the error document is published only in answer to an
    // MQTT request; REST callers get the HTTP error and no MQTT message.
    messages:
      request.transport === 'mqtt'
        ? [message(`${prefix}/${request.operation}/rejected`, { code: error.code, message: error.message, timestamp, ...(clientToken !== undefined ? { clientToken } : {}) })]
        : [],
  });
}

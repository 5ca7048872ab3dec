/**
 * A device's twin as the page shows it: the named shadow `<thingName>` of the owner's identity
 * thing (design section 8), from the Device Shadow service's MQTT messages
 * (https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html).
 */
export interface TwinView {
  /** False when the twin does not exist (the device never reported, or it was released). */
  readonly exists: boolean;
  readonly reported?: Readonly<Record<string, unknown>>;
  readonly desired?: Readonly<Record<string, unknown>>;
  /** The shadow's version: a message older than the one shown is ignored. */
  readonly version?: number;
}

/** The subscriptions that carry every twin of the identity: updates, get answers, deletions. */
export function twinFilters(identityId: string): string[] {
  const base = `$aws/things/${identityId}/shadow/name/+`;
  return [`${base}/update/documents`, `${base}/get/+`, `${base}/delete/accepted`];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function stateOf(document: unknown, version: unknown): TwinView | undefined {
  if (!isObject(document)) return undefined;
  const state = isObject(document.state) ? document.state : {};
  return {
    exists: true,
    ...(isObject(state.reported) ? { reported: state.reported } : {}),
    ...(isObject(state.desired) ? { desired: state.desired } : {}),
    ...(typeof version === 'number' ? { version } : {}),
  };
}

/** The view after `operation`'s message, or undefined when it changes nothing. */
function viewAfter(operation: string, body: Json): TwinView | undefined {
  switch (operation) {
    case 'update/documents':
      return stateOf(body.current, isObject(body.current) ? body.current.version : undefined);
    case 'get/accepted':
      return stateOf(body, body.version);
    case 'get/rejected':
      // 404: no such shadow. Other codes (throttling, 5xx) leave the view as it is.
      return body.code === 404 ? { exists: false } : undefined;
    case 'delete/accepted':
      return { exists: false, ...(typeof body.version === 'number' ? { version: body.version } : {}) };
    default:
      return undefined;
  }
}

/**
 * Applies one message of the twin subscriptions. Returns the device and its new view, or undefined
 * for a message that is not a twin's, is malformed, or is older than the view shown (QoS 1 may
 * deliver a document after a newer get answer).
 */
export function applyTwinMessage(
  identityId: string,
  topic: string,
  payload: string,
  current: (thingName: string) => TwinView | undefined,
): { thingName: string; twin: TwinView } | undefined {
  const prefix = `$aws/things/${identityId}/shadow/name/`;
  if (!topic.startsWith(prefix)) return undefined;
  const [thingName, ...rest] = topic.slice(prefix.length).split('/');
  if (!thingName || rest.length === 0) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!isObject(body)) return undefined;
  const shown = current(thingName);
  const next = viewAfter(rest.join('/'), body);
  if (!next) return undefined;
  // A 404 get answer for a twin shown as existing is another tab's early answer (topics are not ordered): not newer.
  if (!next.exists && rest.join('/') === 'get/rejected' && shown?.exists) return undefined;
  const stale = next.exists && shown?.exists === true && shown.version !== undefined && next.version !== undefined && next.version < shown.version;
  return stale ? undefined : { thingName, twin: next };
}

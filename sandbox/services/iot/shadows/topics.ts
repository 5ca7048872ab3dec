import type { ShadowOperation, ShadowTopic } from './types';

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


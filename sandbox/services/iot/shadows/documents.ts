import { isDeepStrictEqual } from 'node:util';
import type { Json, JsonObject, ShadowMessage, StoredShadow } from './types';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Size the way the quota counts it: the compact JSON of the section, metadata excluded. */
export function byteLength(value: Json): number {
  return Buffer.byteLength(JSON.stringify(value));
}

export function message(topic: string, body: JsonObject): ShadowMessage {
  return { topic, payload: Buffer.from(JSON.stringify(body)) };
}

/** Merges a request section into a stored one: objects merge, `null` deletes, the rest replaces. */
export function mergeState(target: JsonObject, patch: JsonObject): JsonObject {
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
export function stampMetadata(patch: JsonObject, timestamp: number): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(patch)) out[k] = stampValue(v, timestamp);
  return out;
}

export function stampValue(value: Json, timestamp: number): Json {
  if (isObject(value)) return stampMetadata(value, timestamp);
  if (Array.isArray(value)) return value.map(() => ({ timestamp }));
  return { timestamp };
}

export function mergeMetadata(target: JsonObject, patch: JsonObject, timestamp: number): JsonObject {
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

export function pickMetadata(metadata: JsonObject, shape: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(shape)) {
    const m = metadata[k];
    if (m === undefined) continue;
    out[k] = isObject(v) && isObject(m) && !('timestamp' in m && Object.keys(m).length === 1) ? pickMetadata(m, v) : m;
  }
  return out;
}

export function snapshot(stored: StoredShadow): JsonObject {
  return {
    state: { ...(stored.state?.desired ? { desired: stored.state.desired } : {}), ...(stored.state?.reported ? { reported: stored.state.reported } : {}) },
    metadata: { ...(stored.metadata.desired ? { desired: stored.metadata.desired } : {}), ...(stored.metadata.reported ? { reported: stored.metadata.reported } : {}) },
    version: stored.version,
  };
}

/** The whole document as /get/accepted and GetThingShadow return it (with `delta` when any). */
export function fullDocument(stored: StoredShadow, timestamp: number): JsonObject {
  const base = snapshot(stored);
  const delta = computeDelta(stored.state?.desired, stored.state?.reported);
  if (delta && isObject(base.state)) base.state = { ...base.state, delta };
  return { ...base, timestamp };
}

import { SHADOW_LIMITS } from '../../../../functions/shared/devices/shadow-limits';
import { byteLength, computeDelta, fullDocument, mergeMetadata, mergeState, message, pickMetadata, snapshot, stampMetadata } from './documents';
import { tooLarge, type ParsedUpdate } from './request';
import type { JsonObject, ShadowError, ShadowMessage, ShadowResult, StoredShadow } from './types';

/** One validated request, as the three operations see it. */
export interface ShadowCall {
  readonly timestamp: number;
  /** The shadow's reserved topic prefix. */
  readonly prefix: string;
  readonly mqtt: boolean;
  readonly stored: StoredShadow | undefined;
  readonly clientToken: string | undefined;
  readonly reject: (error: ShadowError, clientToken?: string) => ShadowResult;
  readonly notFound: () => ShadowResult;
}

function withToken<T extends JsonObject>(call: ShadowCall, doc: T): T {
  return call.clientToken !== undefined ? { ...doc, clientToken: call.clientToken } : doc;
}

/** GetThingShadow and `.../get`: the whole document, with `delta` when desired and reported differ. */
export function getShadow(call: ShadowCall): ShadowResult {
  if (!call.stored?.state) return call.notFound();
  const document = withToken(call, fullDocument(call.stored, call.timestamp));
  return { ok: true, document, messages: call.mqtt ? [message(`${call.prefix}/get/accepted`, document)] : [] };
}

/** DeleteThingShadow and `.../delete`: returns the shadow to be stored in place of the deleted one. */
export function deleteShadow(call: ShadowCall): { result: ShadowResult; next?: StoredShadow } {
  const stored = call.stored;
  if (!stored?.state) return { result: call.notFound() };
  const document = withToken(call, { version: stored.version, timestamp: call.timestamp });
  // "Deleting a shadow does not reset its version number to 0."
  return { result: { ok: true, document, messages: [message(`${call.prefix}/delete/accepted`, document)] }, next: { metadata: {}, version: stored.version } };
}

/** UpdateThingShadow and `.../update`: returns the shadow to store when the update is accepted. */
export function updateShadow(call: ShadowCall, update: ParsedUpdate): { result: ShadowResult; next?: StoredShadow } {
  const currentVersion = call.stored?.version ?? 0;
  if (update.version !== undefined && update.version !== currentVersion) {
    return { result: call.reject({ code: 409, errorType: 'ConflictException', message: 'Version conflict' }, call.clientToken) };
  }
  const { next, acceptedState, acceptedMetadata } = applyUpdate(call.stored, update, call.timestamp);
  for (const section of ['desired', 'reported'] as const) {
    const value = next.state?.[section];
    if (value !== undefined && byteLength(value) > SHADOW_LIMITS.stateBytes) return { result: call.reject(tooLarge(), call.clientToken) };
  }
  const accepted = withToken(call, { state: acceptedState, metadata: acceptedMetadata, version: next.version, timestamp: call.timestamp });
  const messages = updateMessages(call, update, next, accepted);
  return { result: { ok: true, document: accepted, messages }, next };
}

function applyUpdate(stored: StoredShadow | undefined, update: ParsedUpdate, timestamp: number) {
  const next: StoredShadow = {
    state: { ...(stored?.state ?? {}) },
    metadata: { ...(stored?.state ? stored.metadata : {}) },
    version: (stored?.version ?? 0) + 1,
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
  return { next, acceptedState, acceptedMetadata };
}

function updateMessages(call: ShadowCall, update: ParsedUpdate, next: StoredShadow, accepted: JsonObject): ShadowMessage[] {
  const { prefix, timestamp } = call;
  const previous = call.stored?.state ? snapshot(call.stored) : undefined;
  const messages: ShadowMessage[] = [message(`${prefix}/update/accepted`, accepted)];
  const delta = computeDelta(next.state?.desired, next.state?.reported);
  // "/update/delta": published when an accepted change leaves desired and reported different;
  // the message holds every differing desired attribute, whether or not this update set it.
  // The sandbox publishes it when the update carried a `desired` section (a reported-only
  // update that leaves an old difference in place publishes no new delta).
  if (delta && update.state.desired) {
    messages.push(
      message(`${prefix}/update/delta`, withToken(call, { version: next.version, timestamp, state: delta, metadata: pickMetadata(next.metadata.desired ?? {}, delta) })),
    );
  }
  messages.push(message(`${prefix}/update/documents`, withToken(call, { ...(previous ? { previous } : {}), current: snapshot(next), timestamp })));
  return messages;
}

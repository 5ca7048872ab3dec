import { SHADOW_LIMITS, jsonDepth } from '../../../../functions/shared/devices/shadow-limits';
import { byteLength, isObject } from './documents';
import type { JsonObject, ShadowError, ShadowRequest } from './types';

const CLIENT_TOKEN_MAX_BYTES = 64;

export interface ParsedUpdate {
  readonly state: { desired?: JsonObject | null; reported?: JsonObject | null };
  readonly version?: number;
}

type ParsedBody = { readonly clientToken?: string; readonly update?: ParsedUpdate } | { readonly error: ShadowError };

export const invalid = (message: string): ShadowError => ({ code: 400, errorType: 'InvalidRequestException', message });
export const tooLarge = (): ShadowError => ({ code: 413, errorType: 'RequestEntityTooLargeException', message: 'The payload exceeds the maximum size allowed' });

export function parseBody(request: ShadowRequest): ParsedBody {
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


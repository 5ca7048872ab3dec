/**
 * AWS IoT Core limits that a command must respect before it is published
 * (AWS IoT Device Shadow service quotas; AWS IoT Core message broker quotas).
 */
export const SHADOW_LIMITS = {
  /** Max size of the desired (or reported) section of a shadow document. */
  stateBytes: 8 * 1024,
  /** Max depth of the desired (or reported) section. */
  stateDepth: 6,
  /** Max MQTT / HTTP publish payload. */
  payloadBytes: 128 * 1024,
} as const;

/** Thing names: 1-128 of a-zA-Z0-9:_- (AWS IoT CreateThing). */
export const THING_NAME_PATTERN = /^[a-zA-Z0-9:_-]{1,128}$/;

/** Named shadows' names: 1-64 of a-zA-Z0-9:_- (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetThingShadow.html). */
export const SHADOW_NAME_PATTERN = /^[a-zA-Z0-9:_-]{1,64}$/;

/** Depth of a JSON value the way the shadow service counts it: `{"a":1}` has depth 1. */
export function jsonDepth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  let deepest = 0;
  for (const child of children) deepest = Math.max(deepest, jsonDepth(child));
  return 1 + deepest;
}

/**
 * Whether JSON text nests arrays/objects deeper than `maxDepth`, found by one pass over the text
 * before it is parsed: `JSON.parse` and any recursive walk of 100,000 levels would overflow the
 * stack. Brackets inside strings do not count. Same counting as jsonDepth: `{"a":1}` is 1.
 */
export function jsonTextNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export type ThingNameProblem = 'wildcard' | 'reserved' | 'pattern';

/** Why a thing name cannot be put in a shadow topic, or undefined when it can. */
export function thingNameProblem(name: string): ThingNameProblem | undefined {
  if (/[+#*]/.test(name)) return 'wildcard';
  if (/[/$\u0000]/.test(name)) return 'reserved';
  if (!THING_NAME_PATTERN.test(name)) return 'pattern';
  return undefined;
}

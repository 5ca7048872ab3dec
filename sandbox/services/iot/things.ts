import { randomUUID } from 'node:crypto';
import type { ConnectionThing } from '../../../functions/shared/iot-policy/engine';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import { AwsServiceError } from '../../wire/http';

/**
 * The IoT thing registry: things with attributes and a version, and the principals
 * (certificate ARNs, Cognito identity ids) attached to them. Mirrored AWS behaviour, AWS IoT API
 * Reference (https://docs.aws.amazon.com/iot/latest/apireference/):
 *  - thing names `[a-zA-Z0-9:_-]+`, 1-128 characters (API_CreateThing);
 *  - attribute names `[a-zA-Z0-9_.,@/:#-]+` up to 128, values `[a-zA-Z0-9_.,@/:#-]*` up to 800
 *    (API_AttributePayload; its newer text also lists `=[]` in values: the sandbox keeps the
 *    narrower pattern so product code stays portable); at most 3 attributes without a thing
 *    type, 50 with one (AWS IoT Core quotas, registry);
 *  - CreateThing again with the same configuration succeeds, with another configuration it is
 *    ResourceAlreadyExistsException (API_CreateThing);
 *  - every UpdateThing increments `version`; `expectedVersion` that does not match is
 *    VersionConflictException (409) for UpdateThing and DeleteThing;
 *  - `attributePayload.merge`: true merges and an empty value removes that attribute, false or
 *    absent replaces all attributes (API_AttributePayload);
 *  - DeleteThing of an unknown thing succeeds (API_DeleteThing); one with principals attached is
 *    refused until they are detached.
 */

export interface StoredThing {
  readonly thingName: string;
  readonly thingId: string;
  readonly thingArn: string;
  thingTypeName?: string;
  attributes: Record<string, string>;
  version: number;
}

export interface AttributePayload {
  readonly attributes?: Record<string, string>;
  readonly merge?: boolean;
}

export interface UpdateThingInput {
  readonly thingTypeName?: string;
  readonly removeThingType?: boolean;
  readonly attributePayload?: AttributePayload;
  readonly expectedVersion?: number;
}

const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const ATTRIBUTE_NAME = /^[a-zA-Z0-9_.,@/:#-]{1,128}$/;
const ATTRIBUTE_VALUE = /^[a-zA-Z0-9_.,@/:#-]{0,800}$/;
const MAX_ATTRIBUTES_UNTYPED = 3;
const MAX_ATTRIBUTES_TYPED = 50;

const invalid = (message: string) => new AwsServiceError(400, 'InvalidRequestException', message);

export function thingArn(thingName: string): string {
  return `arn:aws:iot:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:thing/${thingName}`;
}

export function checkThingName(thingName: string): void {
  if (!THING_NAME.test(thingName)) {
    throw invalid(`1 validation error detected: Value '${thingName}' at 'thingName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+`);
  }
}

function checkAttributes(attributes: Record<string, string>, typed: boolean): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!ATTRIBUTE_NAME.test(name)) throw invalid(`Attribute name '${name}' must match [a-zA-Z0-9_.,@/:#-]+ (1-128 characters)`);
    if (typeof value !== 'string' || !ATTRIBUTE_VALUE.test(value)) {
      throw invalid(`Attribute value of '${name}' must match [a-zA-Z0-9_.,@/:#-]* (at most 800 characters)`);
    }
  }
  const max = typed ? MAX_ATTRIBUTES_TYPED : MAX_ATTRIBUTES_UNTYPED;
  if (Object.keys(attributes).length > max) {
    throw invalid(`A thing ${typed ? 'with' : 'without'} a thing type can have at most ${max} attributes`);
  }
}

function applyPayload(current: Record<string, string>, payload: AttributePayload | undefined): Record<string, string> {
  if (!payload?.attributes) return current;
  if (!payload.merge) return { ...payload.attributes };
  const next = { ...current };
  for (const [name, value] of Object.entries(payload.attributes)) {
    if (value === '') delete next[name];
    else next[name] = value;
  }
  return next;
}

const sameAttributes = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export function createThingRegistry() {
  const things = new Map<string, StoredThing>();
  /** thing name → attached principals, in attachment order. */
  const principals = new Map<string, Set<string>>();

  const require = (thingName: string): StoredThing => {
    const thing = things.get(thingName);
    if (!thing) throw new AwsServiceError(404, 'ResourceNotFoundException', `Thing ${thingName} cannot be found.`);
    return thing;
  };
  const checkVersion = (thing: StoredThing, expected: number | undefined) => {
    if (expected !== undefined && expected !== thing.version) {
      throw new AwsServiceError(409, 'VersionConflictException', `The version for thing ${thing.thingName} does not match the expected version.`);
    }
  };

  return {
    ...thingPrincipals(things, principals, require),
    createThing(thingName: string, input: { thingTypeName?: string; attributePayload?: AttributePayload } = {}): StoredThing {
      checkThingName(thingName);
      const attributes = { ...(input.attributePayload?.attributes ?? {}) };
      checkAttributes(attributes, input.thingTypeName !== undefined);
      const existing = things.get(thingName);
      if (existing) {
        if (existing.thingTypeName === input.thingTypeName && sameAttributes(existing.attributes, attributes)) return existing;
        const error = new AwsServiceError(409, 'ResourceAlreadyExistsException', `Thing ${thingName} already exists in account with different attributes`);
        throw Object.assign(error, { resourceId: existing.thingId, resourceArn: existing.thingArn });
      }
      const thing: StoredThing = { thingName, thingId: randomUUID(), thingArn: thingArn(thingName), attributes, version: 1, ...(input.thingTypeName ? { thingTypeName: input.thingTypeName } : {}) };
      things.set(thingName, thing);
      return thing;
    },

    describeThing: require,

    updateThing(thingName: string, input: UpdateThingInput): StoredThing {
      const thing = require(thingName);
      checkVersion(thing, input.expectedVersion);
      if (input.removeThingType && input.thingTypeName !== undefined) throw invalid('Cannot set removeThingType and thingTypeName together');
      const thingTypeName = input.removeThingType ? undefined : (input.thingTypeName ?? thing.thingTypeName);
      const attributes = applyPayload(thing.attributes, input.attributePayload);
      checkAttributes(attributes, thingTypeName !== undefined);
      thing.attributes = attributes;
      if (thingTypeName === undefined) delete thing.thingTypeName;
      else thing.thingTypeName = thingTypeName;
      thing.version += 1;
      return thing;
    },

    deleteThing(thingName: string, expectedVersion?: number): void {
      const thing = things.get(thingName);
      if (!thing) return;
      checkVersion(thing, expectedVersion);
      if ((principals.get(thingName)?.size ?? 0) > 0) {
        throw invalid(`Cannot delete thing ${thingName}: detach its principals first (DetachThingPrincipal)`);
      }
      things.delete(thingName);
      principals.delete(thingName);
    },

    /** All things sorted by name, filtered as ListThings filters them. */
    listThings(filter: { attributeName?: string; attributeValue?: string; thingTypeName?: string; usePrefixAttributeValue?: boolean }): StoredThing[] {
      const matchesValue = (value: string | undefined) =>
        value !== undefined && (filter.attributeValue === undefined || (filter.usePrefixAttributeValue ? value.startsWith(filter.attributeValue) : value === filter.attributeValue));
      return [...things.values()]
        .filter((t) => filter.attributeName === undefined || matchesValue(t.attributes[filter.attributeName]))
        .filter((t) => filter.thingTypeName === undefined || t.thingTypeName === filter.thingTypeName)
        .sort((a, b) => (a.thingName < b.thingName ? -1 : a.thingName > b.thingName ? 1 : 0));
    },

    clear(): void {
      things.clear();
      principals.clear();
    },
  };
}

export type ThingRegistry = ReturnType<typeof createThingRegistry>;

/** Thing principals (AttachThingPrincipal & co.) and the thing policy variables they enable. */
function thingPrincipals(things: ReadonlyMap<string, StoredThing>, principals: Map<string, Set<string>>, require: (thingName: string) => StoredThing) {
  return {
    /** Idempotent. EXCLUSIVE_THING: the principal may not be attached to another thing. */
    attachThingPrincipal(thingName: string, principal: string, exclusive = false): void {
      require(thingName);
      const elsewhere = [...principals.entries()].some(([name, set]) => name !== thingName && set.has(principal));
      if (exclusive && elsewhere) throw invalid(`Principal ${principal} is already attached to another thing; EXCLUSIVE_THING refuses it`);
      const set = principals.get(thingName) ?? new Set<string>();
      set.add(principal);
      principals.set(thingName, set);
    },

    detachThingPrincipal(thingName: string, principal: string): void {
      require(thingName);
      principals.get(thingName)?.delete(principal);
    },

    listThingPrincipals(thingName: string): string[] {
      require(thingName);
      return [...(principals.get(thingName) ?? [])];
    },

    listPrincipalThings(principal: string): string[] {
      return [...principals.entries()].filter(([, set]) => set.has(principal)).map(([name]) => name);
    },

    /**
     * Thing policy variables for a connection: the thing named by the client id, when it is
     * attached to the principal ("Thing policy variables").
     */
    connectionThing(principal: string, clientId: string): { thing?: ConnectionThing; isAttached: boolean } {
      const thing = things.get(clientId);
      if (!thing || !principals.get(clientId)?.has(principal)) return { isAttached: false };
      return {
        isAttached: true,
        thing: { thingName: thing.thingName, attributes: { ...thing.attributes }, ...(thing.thingTypeName ? { thingTypeName: thing.thingTypeName } : {}) },
      };
    },

  };
}

import * as z from 'zod/mini';
import { parseJsonBody } from '../../../wire/http';
import { thingArn, type AttributePayload, type StoredThing, type ThingRegistry } from '../things';
import { intParam, invalidRequest, iotMember, pageOf, pathSegments, requiredHeader, type ControlPlaneRequest, type ControlPlaneRoute } from './route';

/**
 * Thing registry operations over REST-JSON, routes and members as @aws-sdk/client-iot sends them:
 *
 *   CreateThing           POST   /things/{thingName}             { thingTypeName, attributePayload }
 *   DescribeThing         GET    /things/{thingName}
 *   UpdateThing           PATCH  /things/{thingName}             { thingTypeName, attributePayload, expectedVersion, removeThingType }
 *   DeleteThing           DELETE /things/{thingName}?expectedVersion
 *   ListThings            GET    /things?nextToken&maxResults&attributeName&attributeValue&thingTypeName&usePrefixAttributeValue
 *   AttachThingPrincipal  PUT    /things/{thingName}/principals  x-amzn-principal, ?thingPrincipalType
 *   DetachThingPrincipal  DELETE /things/{thingName}/principals  x-amzn-principal
 *   ListThingPrincipals   GET    /things/{thingName}/principals?nextToken&maxResults
 *   ListPrincipalThings   GET    /principals/things?nextToken&maxResults  x-amzn-principal
 */

/** The values' own constraints (length, characters) are the thing registry's to check. */
const attributePayloadMember = z.nullish(z.object({ attributes: z.optional(z.record(z.string(), z.unknown())), merge: z.optional(z.unknown()) }));

function attributePayload(input: Record<string, unknown>): AttributePayload | undefined {
  const value = iotMember(attributePayloadMember, input, 'attributePayload');
  if (value === undefined || value === null) return undefined;
  const { attributes, merge } = value;
  return { ...(attributes ? { attributes: attributes as Record<string, string> } : {}), ...(merge === true ? { merge: true } : {}) };
}

const optionalStringMember = z.nullish(z.string());
const optionalString = (input: Record<string, unknown>, name: string): string | undefined => iotMember(optionalStringMember, input, name) ?? undefined;

function describe(thing: StoredThing) {
  return {
    // "defaultClientId: The default MQTT client ID" — the thing name (API_DescribeThing).
    defaultClientId: thing.thingName,
    thingName: thing.thingName,
    thingId: thing.thingId,
    thingArn: thing.thingArn,
    ...(thing.thingTypeName ? { thingTypeName: thing.thingTypeName } : {}),
    attributes: { ...thing.attributes },
    version: thing.version,
  };
}

function listThings(things: ThingRegistry, url: URL) {
  const q = (name: string) => url.searchParams.get(name) ?? undefined;
  const attributeName = q('attributeName');
  const attributeValue = q('attributeValue');
  const thingTypeName = q('thingTypeName');
  const all = things.listThings({
    ...(attributeName !== undefined ? { attributeName } : {}),
    ...(attributeValue !== undefined ? { attributeValue } : {}),
    ...(thingTypeName !== undefined ? { thingTypeName } : {}),
    usePrefixAttributeValue: q('usePrefixAttributeValue') === 'true',
  });
  const page = pageOf(all, url);
  return {
    things: page.items.map((t) => ({ thingName: t.thingName, thingArn: t.thingArn, ...(t.thingTypeName ? { thingTypeName: t.thingTypeName } : {}), attributes: { ...t.attributes }, version: t.version })),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}

function thingRoute(things: ThingRegistry, { method, url, body }: ControlPlaneRequest, name: string): ControlPlaneRoute | undefined {
  const resource = thingArn(name);
  switch (method) {
    case 'POST':
      return {
        operation: 'CreateThing',
        resource,
        run: () => {
          const input = parseJsonBody(body);
          const thingTypeName = optionalString(input, 'thingTypeName');
          const payload = attributePayload(input);
          const t = things.createThing(name, { ...(thingTypeName ? { thingTypeName } : {}), ...(payload ? { attributePayload: payload } : {}) });
          return { thingName: t.thingName, thingArn: t.thingArn, thingId: t.thingId };
        },
      };
    case 'GET':
      return { operation: 'DescribeThing', resource, run: () => describe(things.describeThing(name)) };
    case 'PATCH':
      return { operation: 'UpdateThing', resource, run: () => updateThing(things, name, parseJsonBody(body)) };
    case 'DELETE':
      return { operation: 'DeleteThing', resource, run: () => (things.deleteThing(name, intParam(url, 'expectedVersion', 0, Number.MAX_SAFE_INTEGER)), {}) };
    default:
      return undefined;
  }
}

function updateThing(things: ThingRegistry, name: string, input: Record<string, unknown>) {
  const expectedVersion = iotMember(z.nullish(z.int()), input, 'expectedVersion');
  const thingTypeName = optionalString(input, 'thingTypeName');
  const payload = attributePayload(input);
  things.updateThing(name, {
    ...(thingTypeName !== undefined ? { thingTypeName } : {}),
    ...(input.removeThingType === true ? { removeThingType: true } : {}),
    ...(payload ? { attributePayload: payload } : {}),
    ...(typeof expectedVersion === 'number' ? { expectedVersion } : {}),
  });
  return {};
}

function principalsRoute(things: ThingRegistry, { method, url, headers }: ControlPlaneRequest, name: string): ControlPlaneRoute | undefined {
  const resource = thingArn(name);
  const principal = () => requiredHeader(headers, 'x-amzn-principal', 'principal');
  switch (method) {
    case 'PUT':
      return { operation: 'AttachThingPrincipal', resource, run: () => (things.attachThingPrincipal(name, principal(), url.searchParams.get('thingPrincipalType') === 'EXCLUSIVE_THING'), {}) };
    case 'DELETE':
      return { operation: 'DetachThingPrincipal', resource, run: () => (things.detachThingPrincipal(name, principal()), {}) };
    case 'GET':
      return {
        operation: 'ListThingPrincipals',
        resource,
        run: () => {
          const page = pageOf(things.listThingPrincipals(name), url);
          return { principals: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
        },
      };
    default:
      return undefined;
  }
}

/** Routes the thing registry's operations; undefined for any other path. */
export function thingOperations(things: ThingRegistry) {
  return (request: ControlPlaneRequest): ControlPlaneRoute | undefined => {
    const [first, name, sub, ...rest] = pathSegments(request.url);
    if (rest.length > 0) return undefined;
    if (first === 'principals' && name === 'things' && sub === undefined && request.method === 'GET') {
      return {
        operation: 'ListPrincipalThings',
        resource: '*',
        run: () => {
          const page = pageOf(things.listPrincipalThings(requiredHeader(request.headers, 'x-amzn-principal', 'principal')), request.url);
          return { things: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
        },
      };
    }
    if (first !== 'things') return undefined;
    if (name === undefined || name === '') return request.method === 'GET' && sub === undefined ? { operation: 'ListThings', resource: '*', run: () => listThings(things, request.url) } : undefined;
    if (sub === undefined) return thingRoute(things, request, name);
    return sub === 'principals' ? principalsRoute(things, request, name) : undefined;
  };
}

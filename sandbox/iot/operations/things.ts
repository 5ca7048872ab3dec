import { parseJsonBody } from '../../http';
import { thingArn, type AttributePayload, type StoredThing, type ThingRegistry } from '../things';
import { intParam, invalidRequest, pageOf, pathSegments, requiredHeader, type ControlPlaneRequest, type ControlPlaneRoute } from './route';

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

function attributePayload(value: unknown): AttributePayload | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('attributePayload must be an object');
  const { attributes, merge } = value as { attributes?: unknown; merge?: unknown };
  if (attributes !== undefined && (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))) {
    throw invalidRequest('attributePayload.attributes must be a map of strings');
  }
  return { ...(attributes ? { attributes: attributes as Record<string, string> } : {}), ...(merge === true ? { merge: true } : {}) };
}

const optionalString = (input: Record<string, unknown>, name: string): string | undefined => {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`${name} must be a string`);
  return v;
};

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
          const payload = attributePayload(input.attributePayload);
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
  const expectedVersion = input.expectedVersion;
  if (expectedVersion !== undefined && expectedVersion !== null && !Number.isInteger(expectedVersion)) throw invalidRequest('expectedVersion must be an integer');
  const thingTypeName = optionalString(input, 'thingTypeName');
  const payload = attributePayload(input.attributePayload);
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

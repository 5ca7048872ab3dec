import { AwsServiceError } from '../../../wire/http';
import { iotArn, type IotAction } from '../authorization';
import type { ShadowOperation } from '../shadows';
import { decodeLabel, sendJsonText, type DataPlaneCall, type IotDataPlaneOptions } from './call';

const SHADOW_ACTIONS: Record<ShadowOperation, { readonly action: IotAction; readonly operation: string }> = {
  get: { action: 'iot:GetThingShadow', operation: 'GetThingShadow' },
  update: { action: 'iot:UpdateThingShadow', operation: 'UpdateThingShadow' },
  delete: { action: 'iot:DeleteThingShadow', operation: 'DeleteThingShadow' },
};
export const SHADOW_METHODS: Record<string, ShadowOperation> = { GET: 'get', POST: 'update', DELETE: 'delete' };

/** GetThingShadow, UpdateThingShadow, DeleteThingShadow: `/things/{thingName}/shadow?name=`. */
export async function thingShadow(opts: IotDataPlaneOptions, call: DataPlaneCall, operation: ShadowOperation, rawThingName: string): Promise<void> {
  const thingName = decodeLabel(rawThingName);
  const shadowName = call.url.searchParams.get('name') ?? undefined;
  const caller = call.verify();
  const { action, operation: opName } = SHADOW_ACTIONS[operation];
  const loseResponse = call.checkFault(opName);
  call.requireAllowed({ principal: caller.principal, action, resource: iotArn('thing', thingName) });
  const result = opts.shadows.handle({
    operation,
    thingName,
    ...(shadowName !== undefined ? { shadowName } : {}),
    payload: operation === 'update' ? call.body : Buffer.alloc(0),
    transport: 'http',
  });
  if (!result.ok) throw new AwsServiceError(result.error.code, result.error.errorType, result.error.message);
  for (const m of result.messages) await opts.publish({ topic: m.topic, payload: m.payload, qos: 1, retain: false });
  if (loseResponse) {
    call.req.socket.destroy();
    return;
  }
  sendJsonText(call.res, JSON.stringify(result.document));
}

/** Page size when the caller gives none (not documented by AWS; small, so callers page). */
const DEFAULT_SHADOW_PAGE = 25;

/**
 * ListNamedShadowsForThing: `pageSize` 1–100, an opaque `nextToken`, `timestamp` in epoch
 * seconds (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_ListNamedShadowsForThing.html).
 */
function listNamedShadows(names: readonly string[], query: URLSearchParams, now: () => number) {
  const pageSize = query.has('pageSize') ? Number(query.get('pageSize')) : DEFAULT_SHADOW_PAGE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new AwsServiceError(400, 'InvalidRequestException', 'pageSize must be between 1 and 100');
  const token = query.get('nextToken');
  const start = token === null ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError(400, 'InvalidRequestException', 'Invalid nextToken');
  const end = start + pageSize;
  return {
    results: names.slice(start, end),
    ...(end < names.length ? { nextToken: Buffer.from(String(end)).toString('base64') } : {}),
    timestamp: Math.floor(now() / 1000),
  };
}

/** `/api/things/shadow/ListNamedShadowsForThing/{thingName}`. */
export function listNamedShadowsForThing(opts: IotDataPlaneOptions, call: DataPlaneCall, rawThingName: string): void {
  const thingName = decodeLabel(rawThingName);
  const caller = call.verify();
  call.checkFault('ListNamedShadowsForThing');
  call.requireAllowed({ principal: caller.principal, action: 'iot:ListNamedShadowsForThing', resource: iotArn('thing', thingName) });
  sendJsonText(call.res, JSON.stringify(listNamedShadows(opts.shadows.namedShadows(thingName), call.url.searchParams, opts.now ?? Date.now)));
}

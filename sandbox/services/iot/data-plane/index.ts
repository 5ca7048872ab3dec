import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsServiceError, sendError, startHttpServer, type StartedServer } from '../../../wire/http';
import { dataPlaneCall, type IotDataPlaneOptions } from './call';
import { publish } from './publish';
import { SHADOW_METHODS, listNamedShadowsForThing, thingShadow } from './shadows';

export type { IotDataPlaneOptions } from './call';

/**
 * The AWS IoT data plane over HTTPS-style REST (signing name `iotdata`), so
 * `@aws-sdk/client-iot-data-plane` works unmodified. Routes from the SDK's operation schemas:
 *
 *   GetThingShadow     GET    /things/{thingName}/shadow?name=
 *   UpdateThingShadow  POST   /things/{thingName}/shadow?name=    body: request state document
 *   DeleteThingShadow  DELETE /things/{thingName}/shadow?name=
 *   ListNamedShadowsForThing GET /api/things/shadow/ListNamedShadowsForThing/{thingName}?nextToken=&pageSize=
 *   Publish            POST   /topics/{topic}?qos=&retain=        body: the raw payload
 *
 * Each call is SigV4-verified, then authorized by the IoT engine (backend principal: allowed;
 * Cognito identity: IAM role ∧ attached IoT policy). A denied call answers 403
 * ForbiddenException. Accepted shadow changes and every publish reach MQTT subscribers through
 * the broker; a Publish to a reserved shadow topic is processed by the shadow engine by the
 * broker exactly as an MQTT publish is.
 */
/** Starts the REST data plane. Its `server` also takes the broker's WebSocket upgrades (one data endpoint). */
export async function startIotDataPlane(opts: IotDataPlaneOptions): Promise<StartedServer> {
  return startHttpServer(async (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    try {
      const call = dataPlaneCall(opts, req, body, res);
      const method = req.method ?? 'GET';
      const segments = call.url.pathname.split('/');
      const shadowOperation = SHADOW_METHODS[method];
      if (segments.length === 4 && segments[1] === 'things' && segments[3] === 'shadow' && shadowOperation) {
        return await thingShadow(opts, call, shadowOperation, segments[2] ?? '');
      }
      if (segments.length === 6 && call.url.pathname.startsWith('/api/things/shadow/ListNamedShadowsForThing/') && method === 'GET') {
        return listNamedShadowsForThing(opts, call, segments[5] ?? '');
      }
      if (segments.length === 3 && segments[1] === 'topics' && method === 'POST') return await publish(opts, call, segments[2] ?? '');
      throw new AwsServiceError(404, 'ResourceNotFoundException', `No IoT data plane operation at ${method} ${call.url.pathname}`);
    } catch (error) {
      sendError(res, error, 'rest-json');
    }
  }, { ...(opts.port !== undefined ? { port: opts.port } : {}), ...(opts.now ? { now: opts.now } : {}) });
}

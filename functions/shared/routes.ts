/** Route keys of the command API (HTTP API), used by lib/, the handler and the sandbox. */
export const ApiRoutes = {
  PublishCommand: 'POST /devices/{thingName}/commands',
  GetCredentials: 'GET /iot/credentials',
  ListDevices: 'GET /devices',
  ClaimDevice: 'POST /devices/{thingName}/claim',
  ReleaseDevice: 'DELETE /devices/{thingName}/claim',
} as const;

export type ApiRouteKey = (typeof ApiRoutes)[keyof typeof ApiRoutes];

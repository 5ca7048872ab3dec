/** Route keys of the command API (HTTP API), used by lib/, the handler and the sandbox. */
export const ApiRoutes = {
  PublishCommand: 'POST /devices/{thingName}/commands',
  GetCredentials: 'GET /iot/credentials',
} as const;

export type ApiRouteKey = (typeof ApiRoutes)[keyof typeof ApiRoutes];

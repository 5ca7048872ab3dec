import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { AUTHORIZER_NAME_KEY } from './limits';
import type { AuthorizerDescription, CustomAuthConnectInput, CustomAuthorizerEvent } from './types';

/** `user?x-amz-customauthorizer-name=A&SDK=…` → the user part and the query parameters. */
export function parseMqttUsername(username: string | undefined): { readonly user: string | undefined; readonly params: URLSearchParams } {
  if (username === undefined) return { user: undefined, params: new URLSearchParams() };
  const at = username.indexOf('?');
  if (at < 0) return { user: username, params: new URLSearchParams() };
  return { user: username.slice(0, at), params: new URLSearchParams(username.slice(at + 1)) };
}

function upgradeQuery(request: IncomingMessage | undefined): URLSearchParams {
  if (!request) return new URLSearchParams();
  return new URL(request.url ?? '/', 'http://sandbox').searchParams;
}

function headerValue(request: IncomingMessage | undefined, name: string): string | undefined {
  const value = request?.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** WebSocket header, then WebSocket query parameter, then the MQTT username's query string. */
export function authorizerNameOf(input: CustomAuthConnectInput): string | undefined {
  const fromHeader = headerValue(input.request, AUTHORIZER_NAME_KEY);
  if (fromHeader) return fromHeader;
  const fromQuery = upgradeQuery(input.request).get(AUTHORIZER_NAME_KEY);
  if (fromQuery) return fromQuery;
  return parseMqttUsername(input.username).params.get(AUTHORIZER_NAME_KEY) ?? undefined;
}

function tokenOf(input: CustomAuthConnectInput, tokenKeyName: string | undefined): string | undefined {
  if (tokenKeyName === undefined) return undefined;
  return (
    headerValue(input.request, tokenKeyName.toLowerCase()) ??
    upgradeQuery(input.request).get(tokenKeyName) ??
    parseMqttUsername(input.username).params.get(tokenKeyName) ??
    undefined
  );
}

/** The event as "Defining your Lambda function" documents it; irrelevant fields are left out. */
export function connectEvent(input: CustomAuthConnectInput, authorizer: AuthorizerDescription, connectionId: string): CustomAuthorizerEvent {
  const token = tokenOf(input, authorizer.tokenKeyName);
  const request = input.request;
  const protocols: Array<'tls' | 'http' | 'mqtt'> = [...(input.secure ? (['tls'] as const) : []), ...(request ? (['http'] as const) : []), 'mqtt'];
  const headers: Record<string, string> = {};
  if (request) {
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  const search = request ? new URL(request.url ?? '/', 'http://sandbox').search : '';
  return {
    ...(token !== undefined ? { token } : {}),
    signatureVerified: false,
    protocols,
    protocolData: {
      ...(input.secure && input.serverName ? { tls: { serverName: input.serverName } } : {}),
      ...(request ? { http: { headers, queryString: search } } : {}),
      mqtt: {
        ...(input.username !== undefined ? { username: input.username } : {}),
        // "The data in the password field is base64-encoded by AWS IoT Core."
        ...(input.password !== undefined ? { password: input.password.toString('base64') } : {}),
        ...(input.clientId !== '' ? { clientId: input.clientId } : {}),
      },
    },
    connectionMetadata: { id: connectionId },
  };
}

/** The TLS facts of a socket, for the event's `tls` protocol data. */
export function tlsFacts(socket: unknown): { secure: boolean; serverName?: string; alpn?: string } {
  if (!(socket instanceof TLSSocket)) return { secure: false };
  const serverName = (socket as TLSSocket & { servername?: string | false }).servername;
  const alpn = socket.alpnProtocol;
  return {
    secure: true,
    ...(typeof serverName === 'string' && serverName !== '' ? { serverName } : {}),
    ...(typeof alpn === 'string' ? { alpn } : {}),
  };
}

/** The event TestInvokeAuthorizer sends: built from its token and protocol contexts. */
export function testInvokeEvent(input: {
  token?: string;
  httpContext?: { headers?: Record<string, string>; queryString?: string };
  mqttContext?: { username?: string; password?: string; clientId?: string };
  tlsContext?: { serverName?: string };
}): CustomAuthorizerEvent {
  const protocols: Array<'tls' | 'http' | 'mqtt'> = [];
  if (input.tlsContext) protocols.push('tls');
  if (input.httpContext) protocols.push('http');
  if (input.mqttContext) protocols.push('mqtt');
  return {
    ...(input.token !== undefined ? { token: input.token } : {}),
    signatureVerified: false,
    protocols,
    protocolData: {
      ...(input.tlsContext?.serverName !== undefined ? { tls: { serverName: input.tlsContext.serverName } } : {}),
      ...(input.httpContext ? { http: { headers: input.httpContext.headers ?? {}, queryString: input.httpContext.queryString ?? '' } } : {}),
      // The password arrives base64-encoded in the request (a blob), as the Lambda expects it.
      ...(input.mqttContext ? { mqtt: input.mqttContext } : {}),
    },
    connectionMetadata: { id: randomUUID() },
  };
}

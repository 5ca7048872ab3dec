import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { WebSocketServer } from 'ws';
import { SHADOW_LIMITS } from '../../functions/shared/shadow-limits';
import type { CredentialStore } from '../credentials';
import type { AwsServiceError } from '../http';
import { verifyPresignedUrl } from '../sigv4';
import { iotArn, type AuthorizationDecision, type AuthorizationRequest, type IotPrincipal, type NamedPolicy } from './authorization';
import { createMqttWebSocketStream } from './mqtt-ws-framing';
import { realTimers, tlsFacts, type CustomAuthConnectInput, type CustomAuthOutcome, type SandboxTimers } from './custom-auth';
import { parseShadowRequestTopic, type ShadowEngine } from './shadows';

/**
 * The AWS IoT message broker of the sandbox: aedes (MQTT 3.1.1) over plain TCP and over
 * WebSocket, with AWS IoT's authentication and authorization in aedes' hooks.
 *
 *  - WebSocket: the upgrade request must be SigV4-presigned (signing name `iotdevicegateway`);
 *    it is verified BEFORE the upgrade is accepted, and a bad signature, an unknown key or an
 *    expired date refuses the upgrade with HTTP 403. The connection's identity is the signer's.
 *  - TCP: AWS authenticates these with X.509 client certificates, which the sandbox does not
 *    emulate. A client id starting with a configured device prefix gets a `device` principal
 *    carrying the configured device policies. Other plain-TCP clients go to the custom
 *    authorizer when one is active (a sandbox convenience: AWS has no plaintext listener), else
 *    they are refused (CONNACK 5).
 *  - TLS (`handleConnection` with a TLS socket): ALPN `mqtt` is AWS IoT's port-443 custom
 *    authentication endpoint, so only the custom authorizer decides; without ALPN it is the
 *    port-8883 X.509 endpoint, so only devices are accepted ("Protocols, port mappings, and
 *    authentication").
 *  - Custom authentication (see custom-auth.ts): the authorizer's answer becomes a `custom`
 *    principal evaluated against exactly its policy documents; the session is refreshed at
 *    refreshAfterInSeconds and closed at disconnectAfterInSeconds (CUSTOMAUTH_TTL_EXPIRATION).
 *  - CONNECT → iot:Connect on `client/<clientId>`; PUBLISH → iot:Publish on `topic/<topic>`
 *    (denied: the connection is closed, as AWS IoT disconnects a client on an unauthorized
 *    publish); SUBSCRIBE → iot:Subscribe on `topicfilter/<filter>` (denied: SUBACK 0x80 for that
 *    filter); delivery → iot:Receive on `topic/<topic>` (denied: not delivered).
 *  - Publishes to `$aws/things/{thing}/shadow[/name/{shadow}]/{get|update|delete}` go through the
 *    shadow engine, whose accepted/rejected/delta/documents messages the broker publishes.
 *  - Lifecycle events on `$aws/events/presence/{connected|disconnected}/{clientId}`.
 *
 * Servers attach through `handleUpgrade` (WebSocket) and `handleConnection` (TLS sockets).
 */

/** Plain-TCP devices: the stand-in for X.509 certificates with an attached IoT policy. */
export interface DeviceAuthentication {
  /** Client ids starting with this prefix are accepted over TCP. Default `device_`. */
  readonly clientIdPrefix?: string;
  /** The policies such a device's "certificate" carries; `${iot:ClientId}` resolves to its client id. */
  readonly policies: readonly NamedPolicy[];
}

/** The custom authorizers of the endpoint (custom-auth.ts `createAuthorizerRegistry`). */
export interface CustomAuthentication {
  /** False when no authorizer is ACTIVE: unsigned clients are then refused outright. */
  available(): boolean;
  authenticate(input: CustomAuthConnectInput): Promise<CustomAuthOutcome>;
}

export interface BrokerOptions {
  readonly store: CredentialStore;
  readonly shadows: ShadowEngine;
  readonly authorize: (request: AuthorizationRequest) => AuthorizationDecision;
  readonly devices?: DeviceAuthentication;
  /**
   * Custom authorizers: asked for WebSocket clients without SigV4, TLS clients with ALPN `mqtt`
   * and plain-TCP clients that are not devices.
   */
  readonly customAuth?: CustomAuthentication;
  /** Session deadlines and refreshes of custom-authorized connections. Default: Node timers. */
  readonly timers?: SandboxTimers;
  /** Every denial, with the engine's reason (AWS only logs these; the sandbox lets you see them). */
  readonly onDenied?: (event: { clientId: string; decision: AuthorizationDecision }) => void;
  /** Every refused WebSocket upgrade (signature problems), for logs. */
  readonly onUpgradeRefused?: (event: { url: string; error: AwsServiceError | Error }) => void;
  readonly now?: () => number;
  /** TCP port for `mqtt://`; default ephemeral. */
  readonly tcpPort?: number;
  /** The path WebSocket clients connect to. Default `/mqtt` (the AWS IoT path). */
  readonly wsPath?: string;
}

type DisconnectReason =
  | 'CLIENT_INITIATED_DISCONNECT'
  | 'AUTH_ERROR'
  | 'CLIENT_ERROR'
  | 'CONNECTION_LOST'
  | 'DUPLICATE_CLIENTID'
  | 'MQTT_KEEP_ALIVE_TIMEOUT'
  | 'SERVER_INITIATED_DISCONNECT'
  | 'CUSTOMAUTH_TTL_EXPIRATION';

interface Connection {
  /** Replaced when a custom authorizer's refresh answers new policies. */
  principal: IotPrincipal;
  readonly sessionIdentifier: string;
  readonly versionNumber: number;
  readonly ipAddress: string | undefined;
  disconnectReason?: DisconnectReason;
  /** Cancels the pending refresh / disconnect timers of a custom-authorized session. */
  readonly timers: Array<() => void>;
  ended: boolean;
}

type AuthenticatedOutcome = Extract<CustomAuthOutcome, { authenticated: true }>;

/** Who a CONNECT is, or why it was refused before policies were consulted. */
interface Identification {
  readonly principal?: IotPrincipal;
  readonly session?: AuthenticatedOutcome;
  readonly refusal?: string;
}

/** AWS IoT Core client id limit ("AWS IoT Core message broker quotas": 128 bytes). */
const MAX_CLIENT_ID_BYTES = 128;
const NOT_AUTHORIZED = 5;
const IDENTIFIER_REJECTED = 2;

const authError = (message: string, returnCode: number): AuthenticateError =>
  Object.assign(new Error(message), { returnCode }) as AuthenticateError;

/** Starts the broker's TCP listener; WebSocket upgrades arrive through `handleUpgrade`. */
export async function startIotBroker(opts: BrokerOptions) {
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? realTimers;
  const wsPath = opts.wsPath ?? '/mqtt';
  const devicePrefix = opts.devices?.clientIdPrefix ?? 'device_';
  /** Principals established at WebSocket upgrade time, keyed by the upgrade request. */
  const upgradePrincipals = new WeakMap<IncomingMessage, IotPrincipal>();
  const connections = new WeakMap<Client, Connection>();
  /** Connected clients by id: to tell a DUPLICATE_CLIENTID takeover apart from other closes. */
  const connected = new Map<string, Client>();
  const versions = new Map<string, number>();
  /** Custom-authorized connections with pending timers, so close() can cancel them. */
  const sessions = new Set<Connection>();
  let closing = false;

  const deny = (client: Client | { id: string }, decision: AuthorizationDecision) => {
    opts.onDenied?.({ clientId: client.id, decision });
  };

  const principalOf = (client: Client | null): IotPrincipal | undefined => (client ? connections.get(client)?.principal : undefined);

  const check = (client: Client, request: Omit<AuthorizationRequest, 'principal' | 'clientId'>): AuthorizationDecision => {
    const decision = opts.authorize({ ...request, principal: principalOf(client), clientId: client.id });
    if (!decision.allowed) deny(client, decision);
    return decision;
  };

  async function customAuthenticate(
    client: Client,
    credentials: { username: string | undefined; password: Buffer | undefined },
    transport: { request?: IncomingMessage; secure: boolean; serverName?: string },
  ): Promise<Identification> {
    if (!opts.customAuth?.available()) return {};
    const outcome = await opts.customAuth.authenticate({ clientId: client.id, ...credentials, ...transport });
    return outcome.authenticated ? { principal: outcome.principal, session: outcome } : { refusal: outcome.detail };
  }

  async function identify(client: Client, username: string | undefined, password: Buffer | undefined): Promise<Identification> {
    const request = client.req;
    if (request) {
      const signed = upgradePrincipals.get(request);
      if (signed) return { principal: signed };
      const { secure, serverName } = tlsFacts(request.socket);
      return customAuthenticate(client, { username, password }, { request, secure, ...(serverName ? { serverName } : {}) });
    }
    const tls = tlsFacts(client.conn);
    if (tls.secure && tls.alpn === 'mqtt') {
      // Port 443 with ALPN "mqtt" is custom authentication only: no certificate stand-in here.
      return customAuthenticate(client, { username, password }, { secure: true, ...(tls.serverName ? { serverName: tls.serverName } : {}) });
    }
    if (opts.devices && client.id.startsWith(devicePrefix)) {
      return { principal: { kind: 'device', deviceId: client.id, policies: opts.devices.policies } };
    }
    if (tls.secure) {
      return { refusal: 'MQTT over TLS without ALPN "mqtt" is the X.509 certificate endpoint (AWS port 8883); custom authentication needs ALPN "mqtt"' };
    }
    return customAuthenticate(client, { username, password }, { secure: false });
  }

  /**
   * Runs a custom-authorized session: policies are refreshed every refreshAfterInSeconds (a
   * refresh that fails authentication disconnects with AUTH_ERROR) and the connection is closed
   * disconnectAfterInSeconds after CONNECT, whatever later refreshes answer.
   */
  function startSession(client: Client, info: Connection, first: AuthenticatedOutcome): void {
    const lifetimeMs = first.disconnectAfterInSeconds * 1000;
    const end = (reason: DisconnectReason) => {
      if (info.ended) return;
      info.disconnectReason = reason;
      stopSession(info);
      client.close();
    };
    let elapsedMs = 0;
    const scheduleRefresh = (current: AuthenticatedOutcome) => {
      const delayMs = current.refreshAfterInSeconds * 1000;
      if (elapsedMs + delayMs >= lifetimeMs) return;
      info.timers.push(
        timers.setTimeout(() => {
          elapsedMs += delayMs;
          current.refresh().then(
            (next) => {
              if (info.ended) return;
              if (next.authenticated) {
                info.principal = next.principal;
                scheduleRefresh(next);
                return;
              }
              deny(client, { allowed: false, reason: 'custom-auth-refused', detail: `policy refresh: ${next.detail}` });
              end('AUTH_ERROR');
            },
            () => end('AUTH_ERROR'),
          );
        }, delayMs),
      );
    };
    sessions.add(info);
    info.timers.push(timers.setTimeout(() => end('CUSTOMAUTH_TTL_EXPIRATION'), lifetimeMs));
    scheduleRefresh(first);
    client.conn.once('close', () => stopSession(info));
  }

  function stopSession(info: Connection): void {
    info.ended = true;
    for (const cancel of info.timers.splice(0)) cancel();
    sessions.delete(info);
  }

  const aedes = new Aedes({
    // AWS IoT accepts client ids up to 128 bytes; aedes' default (23) is the MQTT 3.1 limit.
    maxClientsIdLength: MAX_CLIENT_ID_BYTES,

    authenticate(client, username, password, done) {
      if (Buffer.byteLength(client.id) > MAX_CLIENT_ID_BYTES) {
        done(authError(`client id longer than ${MAX_CLIENT_ID_BYTES} bytes`, IDENTIFIER_REJECTED), null);
        return;
      }
      identify(client, username ?? undefined, password ?? undefined).then(
        ({ principal, session, refusal }) => {
          if (refusal !== undefined) {
            // The authorizer refused (isAuthenticated false, invalid answer, failure): CONNACK 5.
            deny(client, { allowed: false, reason: 'custom-auth-refused', detail: refusal });
            done(authError(refusal, NOT_AUTHORIZED), null);
            return;
          }
          const decision = opts.authorize({ principal, action: 'iot:Connect', resource: iotArn('client', client.id), clientId: client.id });
          if (!principal || !decision.allowed) {
            deny(client, decision);
            // AWS IoT refuses an unauthorized CONNECT; CONNACK 5 ("not authorized") tells MQTT 3.1.1 clients why.
            done(authError(decision.detail, NOT_AUTHORIZED), null);
            return;
          }
          const previous = connected.get(client.id);
          if (previous && previous !== client) {
            const info = connections.get(previous);
            // "Two clients with the same client ID can't be connected concurrently": the earlier one is dropped.
            if (info) info.disconnectReason = 'DUPLICATE_CLIENTID';
          }
          const versionNumber = versions.get(client.id) ?? 0;
          versions.set(client.id, versionNumber + 1);
          const info: Connection = {
            principal,
            sessionIdentifier: randomUUID(),
            versionNumber,
            ipAddress: remoteAddress(client),
            timers: [],
            ended: false,
          };
          connections.set(client, info);
          if (session) startSession(client, info, session);
          done(null, true);
        },
        (error: unknown) => done(authError(`authentication failed: ${String(error)}`, NOT_AUTHORIZED), null),
      );
    },

    authorizePublish(client, packet, callback) {
      if (!client) {
        // A will message published after its client is gone: authorized when the client connected.
        callback(null);
        return;
      }
      const info = connections.get(client);
      if (packet.topic.startsWith('$SYS')) {
        callback(new Error('$SYS topics are reserved'));
        return;
      }
      // AWS IoT supports QoS 0 and 1 only ("AWS IoT differences from MQTT specifications").
      if (packet.qos === 2 || packet.payload.length > SHADOW_LIMITS.payloadBytes) {
        if (info) info.disconnectReason = 'CLIENT_ERROR';
        callback(new Error(packet.qos === 2 ? 'QoS 2 is not supported' : 'payload larger than 128 KB'));
        return;
      }
      const decision = check(client, { action: 'iot:Publish', resource: iotArn('topic', packet.topic) });
      const retainDenied = decision.allowed && packet.retain && !check(client, { action: 'iot:RetainPublish', resource: iotArn('topic', packet.topic) }).allowed;
      if (!decision.allowed || retainDenied) {
        // AWS IoT disconnects a client whose publish is not authorized (AUTH_ERROR lifecycle reason).
        if (info) info.disconnectReason = 'AUTH_ERROR';
        callback(new Error(`not authorized to publish to ${packet.topic}`));
        return;
      }
      callback(null);
    },

    authorizeSubscribe(client, subscription: Subscription, callback) {
      if (subscription.topic.startsWith('$SYS')) {
        callback(null, null);
        return;
      }
      const decision = check(client, { action: 'iot:Subscribe', resource: iotArn('topicfilter', subscription.topic) });
      if (!decision.allowed) {
        // MQTT 3.1.1 §3.9.3: return code 0x80 for this filter; the connection stays open.
        callback(null, null);
        return;
      }
      // QoS 2 is not supported by AWS IoT; the sandbox grants QoS 1 instead of withholding the SUBACK.
      callback(null, subscription.qos === 2 ? { ...subscription, qos: 1 } : subscription);
    },

    authorizeForward(client, packet) {
      // Broker-internal traffic never leaves the broker.
      if (packet.topic.startsWith('$SYS')) return null;
      const decision = opts.authorize({ principal: principalOf(client), action: 'iot:Receive', resource: iotArn('topic', packet.topic), clientId: client.id });
      return decision.allowed ? packet : null;
    },

    published(packet, _client, callback) {
      const shadowTopic = parseShadowRequestTopic(packet.topic);
      if (!shadowTopic || closing) {
        callback(null);
        return;
      }
      const result = opts.shadows.handle({ ...shadowTopic, payload: Buffer.from(packet.payload), transport: 'mqtt' });
      publishAll(result.messages).then(
        () => callback(null),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await aedes.listen();

  function publish(message: { topic: string; payload: Buffer; qos?: 0 | 1; retain?: boolean }): Promise<void> {
    const packet: PublishPacket = {
      cmd: 'publish',
      topic: message.topic,
      payload: message.payload,
      qos: message.qos ?? 1,
      retain: message.retain ?? false,
      dup: false,
    };
    return new Promise((resolve, reject) => aedes.publish(packet, (error) => (error ? reject(error) : resolve())));
  }

  async function publishAll(messages: readonly { topic: string; payload: Buffer }[]): Promise<void> {
    for (const m of messages) await publish({ topic: m.topic, payload: m.payload, qos: 1 });
  }

  // Lifecycle events ("Lifecycle events": connect/disconnect). Client ids with + or # get none.
  aedes.on('clientReady', (client: Client) => {
    connected.set(client.id, client);
    const info = connections.get(client);
    if (!info || /[+#]/.test(client.id)) return;
    void publish({
      topic: `$aws/events/presence/connected/${client.id}`,
      payload: Buffer.from(
        JSON.stringify({
          clientId: client.id,
          timestamp: now(),
          eventType: 'connected',
          sessionIdentifier: info.sessionIdentifier,
          principalIdentifier: principalIdentifier(info.principal),
          ...(info.ipAddress ? { ipAddress: info.ipAddress } : {}),
          versionNumber: info.versionNumber,
        }),
      ),
    }).catch(() => undefined);
  });
  aedes.on('keepaliveTimeout', (client: Client) => {
    const info = connections.get(client);
    if (info) info.disconnectReason ??= 'MQTT_KEEP_ALIVE_TIMEOUT';
  });
  aedes.on('clientDisconnect', (client: Client) => {
    if (connected.get(client.id) === client) connected.delete(client.id);
    const info = connections.get(client);
    if (!info || /[+#]/.test(client.id) || aedes.closed) return;
    const clientInitiated = (client as Client & { _disconnected?: boolean })._disconnected === true;
    const reason: DisconnectReason = clientInitiated
      ? 'CLIENT_INITIATED_DISCONNECT'
      : (info.disconnectReason ?? (closing ? 'SERVER_INITIATED_DISCONNECT' : 'CONNECTION_LOST'));
    void publish({
      topic: `$aws/events/presence/disconnected/${client.id}`,
      payload: Buffer.from(
        JSON.stringify({
          clientId: client.id,
          timestamp: now(),
          eventType: 'disconnected',
          sessionIdentifier: info.sessionIdentifier,
          principalIdentifier: principalIdentifier(info.principal),
          clientInitiatedDisconnect: clientInitiated,
          disconnectReason: reason,
          versionNumber: info.versionNumber,
        }),
      ),
    }).catch(() => undefined);
  });
  // A client's protocol errors must not take the sandbox down; aedes reports them here.
  aedes.on('clientError', () => undefined);
  aedes.on('connectionError', () => undefined);

  // Sockets that never complete CONNECT are not aedes clients; close() ends them itself.
  const sockets = new Set<Duplex>();
  const tcp: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.tcpPort ?? 0, '127.0.0.1', () => resolve());
  });
  const tcpPort = (tcp.address() as AddressInfo).port;

  const wss = new WebSocketServer({ noServer: true });

  /**
   * The `upgrade` listener for any HTTP(S) server that should accept MQTT over WebSocket. The
   * presigned URL is verified before the handshake completes: a refused client gets a plain
   * HTTP 403 and never a WebSocket.
   */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (path !== wsPath) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    const hasSigV4 = /[?&]X-Amz-(Signature|Credential)=/i.test(url);
    if (hasSigV4) {
      try {
        const credentials = verifyPresignedUrl({ url, headers: req.headers }, opts.store, { service: 'iotdevicegateway', ...(opts.now ? { now: opts.now } : {}) });
        upgradePrincipals.set(req, credentials.principal);
      } catch (error) {
        opts.onUpgradeRefused?.({ url, error: error instanceof Error ? error : new Error(String(error)) });
        refuse(socket, 403, 'Forbidden');
        return;
      }
    } else if (!opts.customAuth?.available()) {
      opts.onUpgradeRefused?.({ url, error: new Error('no SigV4 query parameters and no custom authorizer configured') });
      refuse(socket, 403, 'Forbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createMqttWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      aedes.handle(stream, req);
    });
  }

  /** Hands an already-authenticated transport (for example a TLS socket) to the broker. */
  function handleConnection(stream: Duplex, req?: IncomingMessage): void {
    aedes.handle(stream, req);
  }

  return {
    mqttUrl: `mqtt://127.0.0.1:${tcpPort}`,
    tcpPort,
    wsPath,
    aedes,
    handleUpgrade,
    handleConnection,
    /** Service-side publish (the REST data plane, the sandbox itself): authorized by the caller. */
    publish,
    /** The principal a connected client was authenticated as, for diagnostics. */
    principalOf(clientId: string): IotPrincipal | undefined {
      const client = connected.get(clientId);
      return client ? connections.get(client)?.principal : undefined;
    },
    async close(): Promise<void> {
      closing = true;
      for (const info of [...sessions]) stopSession(info);
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

export type IotBroker = Awaited<ReturnType<typeof startIotBroker>>;

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

function remoteAddress(client: Client): string | undefined {
  const fromReq = client.req?.socket.remoteAddress;
  if (fromReq) return fromReq;
  const conn = client.conn as Duplex & { remoteAddress?: string };
  return conn.remoteAddress;
}

/** What presence events report as the principal (AWS reports the certificate id or the IAM principal). */
function principalIdentifier(principal: IotPrincipal): string {
  switch (principal.kind) {
    case 'backend':
      return 'backend';
    case 'identity':
      return principal.identityId;
    case 'device':
      return principal.deviceId;
    case 'custom':
      return principal.principalId;
  }
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesPublishPacket, type PublishPacket } from 'aedes';
import type { IotPrincipal } from '../authorization';
import { handleMqttStream } from '../listeners/handle';
import { startTcpListener } from '../listeners/tcp';
import { createWebSocketListener } from '../listeners/websocket';
import { parseShadowRequestTopic } from '../shadows';
import { MAX_CLIENT_ID_BYTES, authenticateHook } from './authentication';
import { authorizeForwardHook, authorizePublishHook, authorizeSubscribeHook } from './authorization-hooks';
import type { BrokerOptions } from './options';
import { attachPresence } from './presence';
import { endConnection, stopSession } from './sessions';
import { createBrokerState, type BrokerState } from './state';

export type { BrokerOptions, CertificateLookup, CustomAuthentication } from './options';

/**
 * The AWS IoT message broker of the sandbox: aedes (MQTT 3.1.1) with AWS IoT's authentication
 * (authentication.ts), authorization (authorization-hooks.ts), custom-authorizer sessions
 * (sessions.ts) and lifecycle events (presence.ts) in its hooks. Listeners: plain TCP
 * (listeners/tcp.ts), WebSocket upgrades (listeners/websocket.ts, `handleUpgrade`) and TLS
 * sockets handed over with `handleConnection`. Publishes to
 * `$aws/things/{thing}/shadow[/name/{shadow}]/{get|update|delete}` go through the shadow engine,
 * whose accepted/rejected/delta/documents messages the broker publishes.
 */

type Message = { topic: string; payload: Buffer; qos?: 0 | 1; retain?: boolean };

function createAedes(state: BrokerState, publishAll: (messages: readonly Message[]) => Promise<void>): Aedes {
  return new Aedes({
    // AWS IoT accepts client ids up to 128 bytes; aedes' default (23) is the MQTT 3.1 limit.
    maxClientsIdLength: MAX_CLIENT_ID_BYTES,
    authenticate: authenticateHook(state),
    authorizePublish: authorizePublishHook(state),
    authorizeSubscribe: authorizeSubscribeHook(state),
    authorizeForward: authorizeForwardHook(state),
    published(packet: AedesPublishPacket, _client, callback) {
      const shadowTopic = parseShadowRequestTopic(packet.topic);
      if (!shadowTopic || state.closing) {
        callback(null);
        return;
      }
      const result = state.opts.shadows.handle({ ...shadowTopic, payload: Buffer.from(packet.payload), transport: 'mqtt' });
      publishAll(result.messages).then(
        () => callback(null),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
}

/** Starts the broker's TCP listener; WebSocket upgrades arrive through `handleUpgrade`. */
export async function startIotBroker(opts: BrokerOptions) {
  const state = createBrokerState(opts);
  const wsPath = opts.wsPath ?? '/mqtt';
  const publish = (message: Message): Promise<void> => {
    const packet: PublishPacket = { cmd: 'publish', topic: message.topic, payload: message.payload, qos: message.qos ?? 1, retain: message.retain ?? false, dup: false };
    return new Promise((resolve, reject) => aedes.publish(packet, (error) => (error ? reject(error) : resolve())));
  };
  const publishAll = async (messages: readonly Message[]) => {
    for (const m of messages) await publish({ topic: m.topic, payload: m.payload, qos: 1 });
  };
  const aedes = createAedes(state, publishAll);
  await aedes.listen();
  attachPresence(aedes, state, publish);
  // A client's protocol errors must not take the sandbox down; aedes reports them here.
  aedes.on('clientError', () => undefined);
  aedes.on('connectionError', () => undefined);

  const tcp = await startTcpListener(aedes, opts.tcpPort);
  const websocket = createWebSocketListener({
    aedes,
    store: opts.store,
    path: wsPath,
    customAuthAvailable: () => opts.customAuth?.available() ?? false,
    upgradePrincipals: state.upgradePrincipals,
    ...(opts.onUpgradeRefused ? { onUpgradeRefused: opts.onUpgradeRefused } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });

  return {
    mqttUrl: `mqtt://127.0.0.1:${tcp.port}`,
    tcpPort: tcp.port,
    wsPath,
    aedes,
    handleUpgrade: websocket.handleUpgrade,
    /** Hands an already-authenticated transport (for example a TLS socket) to the broker. */
    handleConnection(stream: Duplex, req?: IncomingMessage): void {
      handleMqttStream(aedes, stream, req);
    },
    /** Service-side publish (the REST data plane, the sandbox itself): authorized by the caller. */
    publish,
    /** The principal a connected client was authenticated as, for diagnostics. */
    principalOf(clientId: string): IotPrincipal | undefined {
      return state.principalOf(state.connected.get(clientId) ?? null);
    },
    /** Drops the live connections of a certificate (UpdateCertificate to INACTIVE or REVOKED). */
    disconnectCertificate(certificateId: string): void {
      for (const client of [...state.connected.values()]) {
        const info = state.connections.get(client);
        if (info?.principal.kind === 'certificate' && info.principal.certificateId === certificateId) endConnection(state, client, info, 'AUTH_ERROR');
      }
    },
    async close(): Promise<void> {
      state.closing = true;
      for (const info of [...state.sessions]) stopSession(state, info);
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      websocket.close();
      await tcp.close();
    },
  };
}

export type IotBroker = Awaited<ReturnType<typeof startIotBroker>>;

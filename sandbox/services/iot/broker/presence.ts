import type { Aedes, Client } from 'aedes';
import type { IotPrincipal } from '../authorization';
import type { BrokerState, Connection, DisconnectReason } from './state';

/**
 * Lifecycle events on `$aws/events/presence/{connected|disconnected}/{clientId}` ("Lifecycle
 * events"). Client ids containing `+` or `#` get none.
 */

type Publish = (message: { topic: string; payload: Buffer }) => Promise<void>;

/** What presence events report as the principal (AWS reports the certificate id or the IAM principal). */
export function principalIdentifier(principal: IotPrincipal): string {
  switch (principal.kind) {
    case 'backend':
      return 'backend';
    case 'identity':
      return principal.identityId;
    case 'certificate':
      return principal.certificateId;
    case 'custom':
      return principal.principalId;
  }
}

function event(client: Client, info: Connection, now: number, eventType: string, extra: Record<string, unknown>): Buffer {
  return Buffer.from(
    JSON.stringify({
      clientId: client.id,
      timestamp: now,
      eventType,
      sessionIdentifier: info.sessionIdentifier,
      principalIdentifier: principalIdentifier(info.principal),
      ...extra,
      versionNumber: info.versionNumber,
    }),
  );
}

function disconnectReason(state: BrokerState, info: Connection, clientInitiated: boolean): DisconnectReason {
  if (clientInitiated) return 'CLIENT_INITIATED_DISCONNECT';
  return info.disconnectReason ?? (state.closing ? 'SERVER_INITIATED_DISCONNECT' : 'CONNECTION_LOST');
}

/** Publishes connected/disconnected events and keeps `state.connected` current. */
export function attachPresence(aedes: Aedes, state: BrokerState, publish: Publish): void {
  aedes.on('clientReady', (client: Client) => {
    state.connected.set(client.id, client);
    const info = state.connections.get(client);
    if (!info || /[+#]/.test(client.id)) return;
    const payload = event(client, info, state.now(), 'connected', info.ipAddress ? { ipAddress: info.ipAddress } : {});
    void publish({ topic: `$aws/events/presence/connected/${client.id}`, payload }).catch(() => undefined);
  });
  aedes.on('keepaliveTimeout', (client: Client) => {
    const info = state.connections.get(client);
    if (info) info.disconnectReason ??= 'MQTT_KEEP_ALIVE_TIMEOUT';
  });
  aedes.on('clientDisconnect', (client: Client) => {
    if (state.connected.get(client.id) === client) state.connected.delete(client.id);
    const info = state.connections.get(client);
    if (!info || /[+#]/.test(client.id) || aedes.closed) return;
    const clientInitiated = (client as Client & { _disconnected?: boolean })._disconnected === true;
    const payload = event(client, info, state.now(), 'disconnected', {
      clientInitiatedDisconnect: clientInitiated,
      disconnectReason: disconnectReason(state, info, clientInitiated),
    });
    void publish({ topic: `$aws/events/presence/disconnected/${client.id}`, payload }).catch(() => undefined);
  });
}

import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';

/**
 * The TLS listeners: `wss://` (MQTT over WebSocket, SigV4 or custom authorizer) and `mqtts://`
 * (MQTT over TLS). On `mqtts://`, ALPN `mqtt` is AWS IoT's port-443 custom authentication; ALPN
 * `x-amzn-mqtt-ca` (port 443, what the device SDKs' mTLS builders offer) and no ALPN (port 8883)
 * are the X.509 endpoint ("Protocols, port mappings, and authentication",
 * https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html), so the handshake requests a client certificate and
 * verifies it against `clientCa` (the broker then requires a registered, ACTIVE one). The
 * handshake itself does not refuse a missing certificate, since ALPN `mqtt` clients have none.
 */
export interface TlsListenerOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** The CAs device certificates must chain to. */
  readonly clientCa: readonly string[];
  readonly wssPort?: number;
  readonly mqttsPort?: number;
  /** A second, identical MQTT/TLS listener, e.g. 8883 next to 443 (`--device-port`). */
  readonly deviceMqttsPort?: number;
  readonly handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  readonly handleConnection: (stream: Duplex) => void;
}

export async function startTlsListeners(opts: TlsListenerOptions) {
  const { key, cert } = opts;
  const sockets = new Set<Duplex>();
  const wss: HttpsServer = createHttpsServer({ key, cert }, (_req, res) => {
    res.writeHead(404).end();
  });
  wss.on('upgrade', opts.handleUpgrade);
  // A client offering only other ALPN names fails the handshake (broker/authentication.ts picks
  // the authentication by the negotiated name). Every mqtts:// listener, the second one too,
  // requests and verifies client certificates the same way.
  const mqttsServer = (): TlsServer =>
    createTlsServer({ key, cert, ALPNProtocols: ['mqtt', 'x-amzn-mqtt-ca'], requestCert: true, rejectUnauthorized: false, ca: [...opts.clientCa] }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      opts.handleConnection(socket);
    });
  const mqtts = mqttsServer();
  const deviceMqtts = opts.deviceMqttsPort !== undefined ? mqttsServer() : undefined;
  const servers = [wss, mqtts, ...(deviceMqtts ? [deviceMqtts] : [])];
  try {
    await listen(wss, opts.wssPort ?? 0);
    await listen(mqtts, opts.mqttsPort ?? 0);
    if (deviceMqtts) await listen(deviceMqtts, opts.deviceMqttsPort ?? 0);
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  const portOf = (server: HttpsServer | TlsServer) => (server.address() as AddressInfo).port;
  return {
    wssPort: portOf(wss),
    mqttsPort: portOf(mqtts),
    ...(deviceMqtts ? { deviceMqttsPort: portOf(deviceMqtts) } : {}),
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      wss.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function listen(server: HttpsServer | TlsServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

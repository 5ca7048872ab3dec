import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { routeByClientHello } from './alpn-router';

/**
 * The TLS listeners: `wss://` (MQTT over WebSocket, SigV4 or custom authorizer) and `mqtts://`
 * (MQTT over TLS). On `mqtts://`, ALPN `mqtt` is AWS IoT's port-443 custom authentication; ALPN
 * `x-amzn-mqtt-ca` (port 443, what the device SDKs' mTLS builders offer) and no ALPN (port 8883)
 * are the X.509 endpoint ("Protocols, port mappings, and authentication",
 * https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html). Only the X.509 endpoint
 * asks for a client certificate, verified against `clientCa` (the broker then requires a
 * registered, ACTIVE one); its handshake does not refuse a missing one, the CONNECT is refused.
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
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const wss: HttpsServer = createHttpsServer({ key, cert }, (_req, res) => {
    res.writeHead(404).end();
  });
  wss.on('upgrade', opts.handleUpgrade);
  const roles = mqttsRoles(opts, (socket) => {
    track(socket);
    opts.handleConnection(socket);
  });
  // Every mqtts:// listener, the second one too, routes and verifies clients the same way.
  const mqttsServer = (): NetServer => createNetServer((socket) => {
    track(socket);
    routeByClientHello(socket, roles.choose, roles.x509);
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
  const portOf = (server: NetServer) => (server.address() as AddressInfo).port;
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

/**
 * The two roles of an MQTT/TLS port, as TLS servers that never listen themselves: connections
 * are handed to them by ALPN. Custom authentication (ALPN `mqtt`) never sees a CertificateRequest,
 * which s2n-based clients (awscrt) abort on when they hold no certificate. A client offering
 * `mqtt` among other names gets `mqtt`, as when both roles shared one server preferring it; one
 * offering only other names fails the handshake (no common ALPN protocol, RFC 7301 §3.2).
 */
function mqttsRoles(opts: TlsListenerOptions, onSecure: (socket: TLSSocket) => void) {
  const { key, cert } = opts;
  const customAuth = createTlsServer({ key, cert, ALPNProtocols: ['mqtt'] }, onSecure);
  const x509 = createTlsServer(
    { key, cert, ALPNProtocols: ['x-amzn-mqtt-ca'], requestCert: true, rejectUnauthorized: false, ca: [...opts.clientCa] },
    onSecure,
  );
  return { x509, choose: (alpn: readonly string[]) => (alpn.includes('mqtt') ? customAuth : x509) };
}

function listen(server: NetServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

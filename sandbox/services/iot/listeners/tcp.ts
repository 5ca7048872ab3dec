import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { handleMqttStream } from './handle';

/** The plain MQTT/TCP listener (`mqtt://`, a sandbox convenience: AWS IoT has no plaintext port). */
export interface TcpListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function startTcpListener(aedes: Aedes, port = 0): Promise<TcpListener> {
  // Sockets that never complete CONNECT are not aedes clients; close() ends them itself.
  const sockets = new Set<Duplex>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    handleMqttStream(aedes, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

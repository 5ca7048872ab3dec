import type { Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { peekClientHello } from './client-hello';

/** Time a client has to send its ClientHello: tls.Server's default `handshakeTimeout`. */
const CLIENT_HELLO_TIMEOUT_MS = 120_000;

/**
 * Reads a raw connection's ClientHello and hands the connection, unconsumed, to the TLS server
 * `choose` picks for the ALPN names it offers. Emitting 'connection' on a tls.Server is Node's
 * documented way to give it a socket; the bytes read so far go back with `unshift()` and the TLS
 * socket reads them first. Anything that is not a ClientHello goes to `fallback`, whose handshake
 * then fails on it as any TLS server's would.
 */
export function routeByClientHello(socket: Socket, choose: (alpn: readonly string[]) => TlsServer, fallback: TlsServer): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const hello = peekClientHello(buffered);
    if (hello.kind === 'incomplete') return;
    socket.removeListener('data', onData);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(buffered);
    (hello.kind === 'client-hello' ? choose(hello.alpn) : fallback).emit('connection', socket);
  };
  // A reset before (or after) the hand-over must not become an unhandled 'error'.
  socket.on('error', () => socket.destroy());
  socket.setTimeout(CLIENT_HELLO_TIMEOUT_MS, () => socket.destroy());
  socket.on('data', onData);
}

import { createServer, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { peekClientHello } from '../../../../../sandbox/services/iot/listeners/client-hello';

/** The first TLS record a Node (OpenSSL) client sends: its ClientHello. */
async function capturedClientHello(ALPNProtocols?: string[]): Promise<Buffer> {
  let received = Buffer.alloc(0);
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const captured = new Promise<Buffer>((resolve) =>
    server.once('connection', (socket) =>
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length >= 5 && received.length >= 5 + received.readUInt16BE(3)) resolve(received);
      }),
    ),
  );
  const client = tlsConnect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername: 'localhost', ...(ALPNProtocols ? { ALPNProtocols } : {}) });
  client.on('error', () => undefined);
  try {
    return await captured;
  } finally {
    client.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);

/** A minimal ClientHello (RFC 8446 §4.1.2) around the given extensions block, in one record. */
function clientHello(extensions?: Buffer, handshakeType = 1): Buffer {
  const fixed = [Buffer.from([3, 3]), Buffer.alloc(32), Buffer.from([0]), Buffer.from([0, 2, 0x13, 0x01]), Buffer.from([1, 0])];
  const body = Buffer.concat([...fixed, ...(extensions ? [u16(extensions.length), extensions] : [])]);
  const handshake = Buffer.concat([Buffer.from([handshakeType]), u24(body.length), body]);
  return Buffer.concat([Buffer.from([22, 3, 1]), u16(handshake.length), handshake]);
}

/** The ALPN extension (type 16, RFC 7301 §3.1); `listLength` overrides the ProtocolNameList length. */
function alpnExtension(names: string[], listLength?: number): Buffer {
  const list = Buffer.concat(names.map((name) => Buffer.concat([Buffer.from([name.length]), Buffer.from(name)])));
  const data = Buffer.concat([u16(listLength ?? list.length), list]);
  return Buffer.concat([u16(16), u16(data.length), data]);
}

/** The same handshake bytes re-cut into two records at `at` bytes into the handshake. */
function splitIntoTwoRecords(record: Buffer, at: number): Buffer {
  const handshake = record.subarray(5);
  const first = handshake.subarray(0, at);
  const second = handshake.subarray(at);
  return Buffer.concat([Buffer.from([22, 3, 1]), u16(first.length), first, Buffer.from([22, 3, 3]), u16(second.length), second]);
}

describe('peekClientHello', () => {
  it('reads the ALPN names a TLS client offers, in its order', async () => {
    const hello = await capturedClientHello(['mqtt', 'x-amzn-mqtt-ca']);
    expect(peekClientHello(hello)).toEqual({ kind: 'client-hello', alpn: ['mqtt', 'x-amzn-mqtt-ca'] });
  });

  it('answers an empty list for a client that offers no ALPN', async () => {
    expect(peekClientHello(await capturedClientHello())).toEqual({ kind: 'client-hello', alpn: [] });
    expect(peekClientHello(clientHello())).toEqual({ kind: 'client-hello', alpn: [] });
  });

  it('asks for more bytes on every prefix of a ClientHello', async () => {
    const hello = await capturedClientHello(['mqtt']);
    const answers = new Set<string>();
    for (let length = 0; length < hello.length; length++) answers.add(peekClientHello(hello.subarray(0, length)).kind);
    expect([...answers]).toEqual(['incomplete']);
  });

  it('reassembles a ClientHello split across two records', async () => {
    const hello = await capturedClientHello(['mqtt']);
    for (const at of [2, 4, 60]) {
      const split = splitIntoTwoRecords(hello, at);
      expect(peekClientHello(split.subarray(0, split.length - 1)).kind).toBe('incomplete');
      expect(peekClientHello(split)).toEqual({ kind: 'client-hello', alpn: ['mqtt'] });
    }
  });

  it.each([
    ['plain MQTT (a CONNECT packet)', Buffer.from('101000044d5154540402003c0004746573740000', 'hex')],
    ['an HTTP request', Buffer.from('GET /mqtt HTTP/1.1\r\nHost: localhost\r\n\r\n')],
    ['a TLS alert record', Buffer.from([21, 3, 3, 0, 2, 2, 40])],
    ['an empty handshake record', Buffer.from([22, 3, 1, 0, 0])],
    ['a record longer than 2^14 bytes', Buffer.concat([Buffer.from([22, 3, 1, 0x40, 0x01]), Buffer.alloc(10)])],
    ['a handshake message other than ClientHello', clientHello(undefined, 2)],
    ['a ClientHello announcing more than 64 KiB', Buffer.from([22, 3, 1, 0, 4, 1, 0x01, 0x00, 0x01])],
    ['an ALPN list longer than its extension', clientHello(alpnExtension(['mqtt'], 40))],
    ['an ALPN list with an empty name', clientHello(alpnExtension(['', 'mqtt']))],
    ['a ClientHello cut short inside its own length', clientHello(Buffer.from([0, 16, 0, 9]))],
  ])('recognizes %s as no ClientHello', (_what, bytes) => {
    expect(peekClientHello(bytes)).toEqual({ kind: 'not-a-client-hello' });
  });
});

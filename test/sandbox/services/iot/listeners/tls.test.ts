import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, type SecureVersion, type TLSSocket } from 'node:tls';
import { Aedes } from 'aedes';
import { iot, mqtt } from 'aws-iot-device-sdk-v2';
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTlsListeners } from '../../../../../sandbox/services/iot/listeners/tls';
import { createSandboxTlsMaterial, type SandboxTlsMaterial } from '../../../../../sandbox/services/iot/tls';
import { buildForSandboxPort } from '../../../../support/device-sdk';

/**
 * The MQTT/TLS listener asks for a client certificate only on AWS IoT's X.509 endpoint (ALPN
 * `x-amzn-mqtt-ca`, or none as on 8883), never on custom authentication (ALPN `mqtt`): "Protocols,
 * port mappings, and authentication", https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html.
 */

const CERTIFICATE_REQUEST = 13; // TLS handshake message type (RFC 5246 §7.4.4)
const SERVER_HELLO = 2;

let tls: SandboxTlsMaterial;
let device: { cert: string; key: string };
let broker: Aedes;
let listeners: Awaited<ReturnType<typeof startTlsListeners>>;
const accepted = new EventEmitter<{ socket: [TLSSocket] }>();
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  tls = await createSandboxTlsMaterial();
  const issued = await generate([{ name: 'commonName', value: 'device' }], { keyType: 'rsa', algorithm: 'sha256', ca: { key: tls.caKey, cert: tls.caPem } });
  device = { cert: issued.cert, key: issued.private };
  broker = new Aedes();
  await broker.listen();
  listeners = await startTlsListeners({
    key: tls.key,
    cert: tls.cert,
    clientCa: [tls.caPem],
    handleUpgrade: (_req, socket) => socket.destroy(),
    handleConnection: (stream) => {
      accepted.emit('socket', stream as TLSSocket);
      broker.handle(stream);
    },
  });
}, 30_000);

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  // A handshake that failed leaves its waiter behind.
  accepted.removeAllListeners('socket');
});

afterAll(async () => {
  await listeners?.close();
  await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()));
});

/** The server side of the next connection from `localPort` (any, without) that completes its handshake. */
function serverSide(localPort?: number): Promise<TLSSocket> {
  return new Promise((resolve) => {
    const onSocket = (socket: TLSSocket) => {
      if (localPort !== undefined && socket.remotePort !== localPort) return;
      accepted.off('socket', onSocket);
      resolve(socket);
    };
    accepted.on('socket', onSocket);
  });
}

/** A TCP connection as a Duplex that keeps every byte the server sent; `byteByByte` writes one byte per write. */
async function recordedConnection(byteByByte = false): Promise<{ socket: Duplex; fromServer: Buffer[]; localPort: number }> {
  const raw: Socket = netConnect(listeners.mqttsPort, '127.0.0.1');
  raw.setNoDelay(true);
  const fromServer: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (!byteByByte) return void raw.write(chunk, callback);
      for (const byte of chunk.subarray(0, -1)) raw.write(Buffer.from([byte]));
      raw.write(chunk.subarray(-1), callback);
    },
    final: (callback) => void raw.end(callback),
    destroy: (error, callback) => {
      raw.destroy();
      callback(error);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    fromServer.push(chunk);
    socket.push(chunk);
  });
  raw.on('end', () => socket.push(null));
  raw.on('error', (error) => socket.destroy(error));
  await new Promise<void>((resolve) => raw.once('connect', resolve));
  return { socket, fromServer, localPort: raw.localPort ?? 0 };
}

interface HandshakeOptions {
  readonly alpn?: string[];
  readonly maxVersion?: SecureVersion;
  readonly withCertificate?: boolean;
  readonly byteByByte?: boolean;
}

/** A Node TLS client's handshake with the listener: both ends and what the server sent. */
async function handshake(options: HandshakeOptions = {}) {
  const { socket, fromServer, localPort } = await recordedConnection(options.byteByByte);
  const server = serverSide(localPort);
  const client = tlsConnect({
    socket,
    servername: 'localhost',
    ca: tls.caPem,
    ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
    ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    ...(options.withCertificate ? device : {}),
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('secureConnect', resolve);
    client.once('error', reject);
  });
  return { client, server: await server, fromServer: Buffer.concat(fromServer) };
}

/** The handshake message types the server sent in the clear: TLS 1.2's, up to its ChangeCipherSpec. */
function plaintextHandshakeTypes(bytes: Buffer): number[] {
  const fragments: Buffer[] = [];
  for (let offset = 0; offset + 5 <= bytes.length && bytes[offset] !== 20; offset += 5 + bytes.readUInt16BE(offset + 3)) {
    if (bytes[offset] === 22) fragments.push(bytes.subarray(offset + 5, offset + 5 + bytes.readUInt16BE(offset + 3)));
  }
  const messages = Buffer.concat(fragments);
  const types: number[] = [];
  for (let offset = 0; offset + 4 <= messages.length; offset += 4 + messages.readUIntBE(offset + 1, 3)) types.push(messages[offset] ?? -1);
  return types;
}

describe('the MQTT/TLS listener asks for a client certificate only on the X.509 endpoint', { timeout: 20_000 }, () => {
  it('sends no CertificateRequest to a client offering ALPN mqtt (custom authentication)', async () => {
    const { server, fromServer } = await handshake({ alpn: ['mqtt'], maxVersion: 'TLSv1.2' });
    expect(server.alpnProtocol).toBe('mqtt');
    const types = plaintextHandshakeTypes(fromServer);
    expect(types).toContain(SERVER_HELLO);
    expect(types).not.toContain(CERTIFICATE_REQUEST);
  });

  it.each([
    ['ALPN x-amzn-mqtt-ca (port 443)', ['x-amzn-mqtt-ca']],
    ['no ALPN (port 8883)', undefined],
  ])('sends a CertificateRequest to a client offering %s', async (_endpoint, alpn) => {
    const { fromServer } = await handshake({ ...(alpn ? { alpn } : {}), maxVersion: 'TLSv1.2' });
    expect(plaintextHandshakeTypes(fromServer)).toContain(CERTIFICATE_REQUEST);
  });

  it('never receives the certificate a custom-authentication client holds (TLS 1.3)', async () => {
    const { server } = await handshake({ alpn: ['mqtt'], withCertificate: true });
    expect(server.getProtocol()).toBe('TLSv1.3');
    expect(server.getPeerCertificate().raw).toBeUndefined();
  });

  it.each([
    ['ALPN x-amzn-mqtt-ca', ['x-amzn-mqtt-ca']],
    ['no ALPN', undefined],
  ])('authenticates a device with %s by its certificate', async (_endpoint, alpn) => {
    const { server } = await handshake({ ...(alpn ? { alpn } : {}), withCertificate: true });
    expect(server.authorized).toBe(true);
    expect(server.getPeerCertificate().subject?.CN).toBe('device');
  });

  it('completes the handshake of a device without a certificate, unauthorized (the broker refuses its CONNECT)', async () => {
    const { server } = await handshake({ alpn: ['x-amzn-mqtt-ca'] });
    expect(server.authorized).toBe(false);
    expect(server.getPeerCertificate().raw).toBeUndefined();
  });

  it('gives a client offering both names custom authentication, as the single server preferring mqtt did', async () => {
    const { server } = await handshake({ alpn: ['x-amzn-mqtt-ca', 'mqtt'], withCertificate: true });
    expect(server.alpnProtocol).toBe('mqtt');
    expect(server.getPeerCertificate().raw).toBeUndefined();
  });

  it('reads a ClientHello that arrives one byte at a time', async () => {
    const { server } = await handshake({ alpn: ['mqtt'], byteByByte: true });
    expect(server.alpnProtocol).toBe('mqtt');
  });

  it('fails the handshake of a client offering only other ALPN names', async () => {
    await expect(handshake({ alpn: ['http/1.1'] })).rejects.toThrow(/no application protocol|alert/i);
  });

  it('closes a connection that does not speak TLS, and serves the next client', async () => {
    const raw = netConnect(listeners.mqttsPort, '127.0.0.1');
    clients.push(raw);
    raw.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => raw.on('close', () => resolve()));
    raw.end(Buffer.from('101000044d5154540402003c0004746573740000', 'hex')); // an MQTT CONNECT
    await closed;
    await expect(handshake({ alpn: ['mqtt'] })).resolves.toBeDefined();
  });
});

describe('closing the MQTT/TLS listener', () => {
  it('ends a connection that has not finished its ClientHello', async () => {
    const own = await startTlsListeners({ key: tls.key, cert: tls.cert, clientCa: [tls.caPem], handleUpgrade: () => undefined, handleConnection: () => undefined });
    const raw = netConnect(own.mqttsPort, '127.0.0.1');
    raw.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => raw.on('close', () => resolve()));
    await new Promise<void>((resolve) => raw.once('connect', resolve));
    raw.write(Buffer.from([22, 3, 1, 0, 200, 1])); // the start of a handshake record
    await own.close();
    await closed;
  });
});

describe('aws-iot-device-sdk-v2 (awscrt, s2n on Linux) against the MQTT/TLS listener', { timeout: 20_000 }, () => {
  it('connects its custom-authorizer connection over TLS with ALPN mqtt', async () => {
    const config = buildForSandboxPort(
      iot.AwsIotMqttConnectionConfigBuilder.new_default_builder()
        // Sets ALPN "mqtt" and port 443; the port is moved to the listener's afterwards.
        .with_custom_authorizer('someone', 'Authorizer', '', 'password')
        .with_endpoint('localhost')
        .with_port(listeners.mqttsPort)
        .with_certificate_authority(tls.caPem)
        .with_client_id('crt-custom-auth')
        .with_clean_session(true));
    const conn = new mqtt.MqttClient().new_connection(config);
    clients.push({ destroy: () => void conn.disconnect().catch(() => undefined) });
    const accepted = serverSide();
    await expect(conn.connect()).resolves.toBe(false);
    const server = await accepted;
    expect(server.alpnProtocol).toBe('mqtt');
    expect(server.getPeerCertificate().raw).toBeUndefined();
  });
});

import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { AttachPolicyCommand, CreatePolicyCommand, IoTClient } from '@aws-sdk/client-iot';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iotPolicyDocument } from '../../../../functions/shared/iot-policy/user-policy';
import { presignMqttUrl } from '../../../../sandbox/clients/app-client';
import { SANDBOX_ACCOUNT, SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION as REGION } from '../../../../sandbox/wire/account';
import { CredentialStore } from '../../../../sandbox/wire/credentials';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import { startIotCore, type IotCore } from '../../../../sandbox/services/iot/core';
import { PacketSizeGuard } from '../../../../sandbox/services/iot/listeners/packet-size';
import { mqttPacketLength } from '../../../../sandbox/services/iot/mqtt-ws-framing';

/** A user identity: its role and its attached policy both allow its own shadow topics. */
const user = { role: `arn:aws:iam::${SANDBOX_ACCOUNT}:role/framing-user`, policy: 'framing-user', document: iotPolicyDocument({ region: REGION, account: SANDBOX_ACCOUNT }) };
let core: IotCore;
let store: CredentialStore;

/** An MQTT UTF-8 string: 2-byte big-endian length, then the bytes (MQTT 3.1.1, 1.5.3). */
const utf8 = (text: string) => {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
};

/** A control packet with its Remaining Length encoded as a variable byte integer. */
function packet(firstByte: number, body: Buffer): Buffer {
  const length: number[] = [];
  let n = body.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    length.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([firstByte, ...length]), body]);
}

const connect = (clientId: string) => packet(0x10, Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0, 60]), utf8(clientId)]));
const subscribe = (id: number, topic: string) => packet(0x82, Buffer.concat([Buffer.from([0, id]), utf8(topic), Buffer.from([1])]));
const publish = (id: number, topic: string, payload: string) => packet(0x32, Buffer.concat([utf8(topic), Buffer.from([0, id]), Buffer.from(payload)]));
/** PUBACK for a QoS 1 PUBLISH: its packet identifier follows the topic name. */
function pubackFor(publishPacket: Buffer): Buffer {
  const headerLength = (mqttPacketLength(publishPacket) ?? 0) - remainingLength(publishPacket);
  const topicLength = publishPacket.readUInt16BE(headerLength);
  return packet(0x40, publishPacket.subarray(headerLength + 2 + topicLength, headerLength + 4 + topicLength));
}

function remainingLength(buffer: Buffer): number {
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const byte = buffer[i] ?? 0;
    value += (byte & 0x7f) * 128 ** (i - 1);
    if ((byte & 0x80) === 0) break;
  }
  return value;
}

const PACKET_TYPES: Record<number, string> = { 2: 'CONNACK', 3: 'PUBLISH', 4: 'PUBACK', 9: 'SUBACK' };

beforeAll(async () => {
  store = new CredentialStore();
  core = await startIotCore({ store, faults: new FaultInjector() });
  core.setRolePolicy(user.role, user.document);
  const iot = new IoTClient({ region: REGION, endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  await iot.send(new CreatePolicyCommand({ policyName: user.policy, policyDocument: JSON.stringify(user.document) }));
  iot.destroy();
});

afterAll(async () => {
  await core.close();
});

describe('MQTT over WebSocket framing', () => {
  it('sends CONNACK, SUBACK, PUBLISH and PUBACK each in exactly one binary frame', async () => {
    const identityId = `${REGION}:${randomUUID()}`;
    const iot = new IoTClient({ region: REGION, endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
    await iot.send(new AttachPolicyCommand({ policyName: user.policy, target: identityId }));
    iot.destroy();
    const url = await presignMqttUrl(core.wsUrl, REGION, store.issueForIdentity(identityId, user.role));
    const ws = new WebSocket(url, 'mqtt');
    const frames: Buffer[] = [];
    const seen = new Set<string>();
    const done = new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('close', () => reject(new Error(`closed after ${[...seen].join(', ')}`)));
      ws.on('message', (data: Buffer, isBinary) => {
        expect(isBinary).toBe(true);
        frames.push(data);
        const length = data.length >= 2 ? mqttPacketLength(data) : undefined;
        if (length !== data.length) {
          reject(new Error(`a frame of ${data.length} bytes is not one whole MQTT packet (${data.toString('hex')})`));
          return;
        }
        const type = PACKET_TYPES[(data[0] ?? 0) >> 4] ?? `type ${(data[0] ?? 0) >> 4}`;
        seen.add(type);
        const topic = `$aws/things/${identityId}/shadow/update`;
        if (type === 'CONNACK') ws.send(subscribe(1, `${topic}/accepted`));
        // A payload over 127 bytes: a two-byte Remaining Length must not split the frame either.
        if (type === 'SUBACK') ws.send(publish(2, topic, JSON.stringify({ state: { reported: { note: 'x'.repeat(200) } } })));
        if (type === 'PUBLISH') ws.send(pubackFor(data));
        if (['CONNACK', 'SUBACK', 'PUBLISH', 'PUBACK'].every((t) => seen.has(t))) resolve();
      });
    });
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(connect(identityId));
    await done;
    ws.removeAllListeners('close');
    ws.close();

    expect(frames.some((f) => f.length > 130 && (f[0] ?? 0) >> 4 === 3)).toBe(true);
  });
});

describe('mqttPacketLength', () => {
  it('reads one- to four-byte Remaining Lengths and waits for an incomplete header', () => {
    expect(mqttPacketLength(Buffer.from([0x20, 0x02, 0, 0]))).toBe(4);
    expect(mqttPacketLength(Buffer.from([0x30, 0xc1, 0x02]))).toBe(3 + 321);
    expect(mqttPacketLength(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toBe(5 + 268_435_455);
    expect(mqttPacketLength(Buffer.from([0x30, 0x80]))).toBeUndefined();
    expect(() => mqttPacketLength(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(/Remaining Length/);
  });
});

/** Opens a SigV4 WebSocket as a fresh identity and waits for CONNACK. */
async function connectedWebSocket(): Promise<{ ws: WebSocket; identityId: string }> {
  const identityId = `${REGION}:${randomUUID()}`;
  const iot = new IoTClient({ region: REGION, endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  await iot.send(new AttachPolicyCommand({ policyName: user.policy, target: identityId }));
  iot.destroy();
  const ws = new WebSocket(await presignMqttUrl(core.wsUrl, REGION, store.issueForIdentity(identityId, user.role)), 'mqtt');
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const connack = new Promise<void>((resolve) => ws.once('message', () => resolve()));
  ws.send(connect(identityId));
  await connack;
  return { ws, identityId };
}

describe('packet size limits (IoT: 128 KB payload)', { timeout: 10_000 }, () => {
  it('closes a plain TCP connection whose CONNECT declares 200 MB, without waiting for the bytes', async () => {
    const socket = createConnection(Number(new URL(core.mqttUrl).port), '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    // 0x10 CONNECT, Remaining Length 200,000,000 as a variable byte integer, then the start of a body.
    socket.write(Buffer.concat([packet(0x10, Buffer.alloc(0)).subarray(0, 1), Buffer.from([0x80, 0x84, 0xaf, 0x5f]), Buffer.alloc(1024)]));
    await closed;
  });

  it('closes a WebSocket whose frame is larger than one MQTT packet may be (1009), and still takes a 128 KB payload', async () => {
    const { ws, identityId } = await connectedWebSocket();
    const puback = new Promise<number>((resolve) => ws.on('message', (data: Buffer) => resolve((data[0] ?? 0) >> 4)));
    ws.send(publish(7, `$aws/things/${identityId}/shadow/update`, 'x'.repeat(128 * 1024)));
    expect(await puback).toBe(4);
    const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    // 100,000 PINGREQs (2 bytes each) in one 200 KB frame: every packet is small, the frame is not.
    ws.send(Buffer.alloc(200_000, Buffer.from([0xc0, 0x00])));
    expect(await code).toBe(1009);
  });
});

describe('SUBSCRIBE with QoS 2', () => {
  it('is granted QoS 1, as AWS IoT grants (it supports QoS 0 and 1 only)', async () => {
    const { ws, identityId } = await connectedWebSocket();
    const suback = new Promise<Buffer>((resolve) => ws.once('message', (data: Buffer) => resolve(data)));
    const topic = `$aws/things/${identityId}/shadow/update/accepted`;
    ws.send(packet(0x82, Buffer.concat([Buffer.from([0, 9]), utf8(topic), Buffer.from([2])])));
    // SUBACK: 0x90, length 3, packet id 9, one return code.
    expect([...(await suback)]).toEqual([0x90, 3, 0, 9, 1]);
    ws.close();
  });
});

describe('PacketSizeGuard', () => {
  it('follows packets across chunk boundaries and refuses a header declaring more than the limit', () => {
    const guard = new PacketSizeGuard(1000);
    const small = packet(0x30, Buffer.alloc(900));
    expect(guard.accept(small.subarray(0, 2))).toBe(true);
    expect(guard.accept(Buffer.concat([small.subarray(2), packet(0xc0, Buffer.alloc(0))]))).toBe(true);
    // A 1001-byte body, its two-byte length split across chunks.
    const large = packet(0x30, Buffer.alloc(1001));
    expect(guard.accept(large.subarray(0, 2))).toBe(true);
    expect(guard.accept(large.subarray(2, 3))).toBe(false);
  });
});

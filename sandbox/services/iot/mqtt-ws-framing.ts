import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * The length of the MQTT control packet at the start of `buffer`, or undefined while its fixed
 * header is incomplete: 1 byte of type and flags, then the Remaining Length as a variable byte
 * integer of 1-4 bytes, 7 bits each, least significant first, high bit = "more bytes follow"
 * (MQTT 3.1.1, 2.2.3 Remaining Length).
 */
export function mqttPacketLength(buffer: Buffer): number | undefined {
  let remaining = 0;
  for (let i = 1; i <= 4; i++) {
    const byte = buffer[i];
    if (byte === undefined) return undefined;
    remaining += (byte & 0x7f) * 128 ** (i - 1);
    if ((byte & 0x80) === 0) return 1 + i + remaining;
  }
  throw new Error('malformed MQTT Remaining Length (more than 4 bytes)');
}

/**
 * A duplex over a WebSocket that sends each complete MQTT control packet as exactly one binary
 * frame. aedes writes a packet in several pieces and `ws`'s `createWebSocketStream` turns each
 * write into a frame: MQTT allows a packet to span frames ("MQTT Control Packets MUST be sent in
 * WebSocket binary data frames", MQTT 3.1.1, 6 Using WebSocket as a network transport), but AWS
 * IoT sends one packet per frame and some clients (the AWS C runtime's) only read that.
 * Incoming frames are passed through as bytes, whatever their boundaries.
 */
export function createMqttWebSocketStream(ws: WebSocket): Duplex {
  let pending: Buffer = Buffer.alloc(0);
  const stream = new Duplex({
    read() {
      ws.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      try {
        for (let length = mqttPacketLength(pending); length !== undefined && pending.length >= length; length = mqttPacketLength(pending)) {
          ws.send(pending.subarray(0, length), { binary: true });
          pending = pending.subarray(length);
        }
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
    },
    final(callback) {
      ws.close();
      callback();
    },
    destroy(error, callback) {
      if (ws.readyState !== ws.CLOSED) ws.terminate();
      callback(error);
    },
  });
  ws.on('message', (data: Buffer) => {
    if (!stream.push(data)) ws.pause();
  });
  ws.on('close', () => stream.push(null));
  ws.on('error', (error) => stream.destroy(error));
  return stream;
}

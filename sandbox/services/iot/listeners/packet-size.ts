import type { Duplex } from 'node:stream';
import { SHADOW_LIMITS } from '../../../../functions/shared/devices/shadow-limits';

/**
 * The largest MQTT control packet the sandbox reads: AWS IoT's 128 KB message payload quota
 * ("Message size: The payload for every publish request can be no larger than 128 KB",
 * https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits) plus 1 KB for
 * the fixed and variable headers (a topic is at most 256 bytes there). aedes would otherwise buffer
 * whatever Remaining Length a packet declares (up to 256 MB), before CONNECT is authenticated.
 */
export const MAX_MQTT_PACKET_BYTES = SHADOW_LIMITS.payloadBytes + 1024;

/**
 * Follows the MQTT packet boundaries of an incoming byte stream without buffering it: the fixed
 * header (type byte, then the Remaining Length as 1-4 bytes of 7 bits, MQTT 3.1.1, 2.2.3), then
 * skips the body. `accept` answers false as soon as a header declares more than `limit` bytes.
 */
export class PacketSizeGuard {
  private headerByte = 0;
  private declared = 0;
  private bodyLeft = 0;
  private inBody = false;

  constructor(private readonly limit = MAX_MQTT_PACKET_BYTES) {}

  accept(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.inBody) {
        const skipped = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= skipped;
        i += skipped;
        if (this.bodyLeft === 0) this.inBody = false;
        continue;
      }
      if (!this.header(chunk[i] ?? 0)) return false;
      i++;
    }
    return true;
  }

  /** One byte of a fixed header; false when the declared length passes the limit or is malformed. */
  private header(byte: number): boolean {
    if (this.headerByte === 0) {
      this.headerByte = 1;
      this.declared = 0;
      return true;
    }
    this.declared += (byte & 0x7f) * 128 ** (this.headerByte - 1);
    if (this.declared > this.limit) return false;
    if ((byte & 0x80) === 0) {
      this.headerByte = 0;
      this.bodyLeft = this.declared;
      this.inBody = this.declared > 0;
      return true;
    }
    this.headerByte++;
    return this.headerByte <= 4;
  }
}

/**
 * Destroys `stream` as soon as a packet declares more than the limit. It observes the chunks aedes
 * reads (aedes reads with `read()` on 'readable', so a 'data' listener sees each chunk without
 * changing the flow).
 */
export function guardPacketSize(stream: Duplex, limit = MAX_MQTT_PACKET_BYTES): void {
  const guard = new PacketSizeGuard(limit);
  stream.on('data', (chunk: Buffer) => {
    if (!guard.accept(chunk)) stream.destroy();
  });
}

import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** A view of the data's bytes (a string as it is: node hashes it as UTF-8). */
const bytes = (data: SourceData): Uint8Array | string => {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
};

/**
 * SHA-256 hash, or HMAC with a key, in the shape @smithy/signature-v4 takes (`new Sha256(key?)`).
 * One adapter for the product's IoT control-plane signer and the sandbox's SigV4 wire code.
 */
export class Sha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

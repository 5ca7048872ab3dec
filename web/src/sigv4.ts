import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** A copy of the data's bytes (WebCrypto takes ArrayBuffer-backed views only). */
const toBytes = (data: SourceData): Uint8Array<ArrayBuffer> =>
  typeof data === 'string'
    ? new TextEncoder().encode(data)
    : ArrayBuffer.isView(data)
      ? new Uint8Array(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      : new Uint8Array(new Uint8Array(data));

/** SHA-256 (or HMAC-SHA-256 with a key) on WebCrypto, in the shape @smithy/signature-v4 takes. */
class WebCryptoSha256 {
  private readonly chunks: Array<Uint8Array<ArrayBuffer>> = [];
  constructor(private readonly secret?: SourceData) {}

  update(data: SourceData): void {
    this.chunks.push(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    const data = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      data.set(chunk, offset);
      offset += chunk.length;
    }
    if (this.secret === undefined) return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    const key = await crypto.subtle.importKey('raw', toBytes(this.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
  }
}

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/**
 * The SigV4-presigned URL of AWS IoT's MQTT-over-WebSocket endpoint (service `iotdevicegateway`):
 * only `host` is signed, and the session token is appended after signing, as AWS IoT expects.
 */
export async function presignMqttUrl(endpoint: string, region: string, credentials: TemporaryCredentials, options: { expiresIn?: number; signingDate?: Date } = {}): Promise<string> {
  const url = new URL(endpoint);
  const { sessionToken, ...longTerm } = credentials;
  const signer = new SignatureV4({ service: 'iotdevicegateway', region, credentials: longTerm, sha256: WebCryptoSha256 });
  const signed = await signer.presign(
    { method: 'GET', protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: url.pathname, headers: { host: url.host }, query: {} },
    { expiresIn: options.expiresIn ?? 300, ...(options.signingDate ? { signingDate: options.signingDate } : {}) },
  );
  const query = new URLSearchParams({ ...(signed.query as Record<string, string>), 'X-Amz-Security-Token': sessionToken });
  return `${url.origin}${url.pathname}?${query.toString().replace(/\+/g, '%20')}`;
}

/**
 * Reads the ALPN protocol names a TLS client offers from the first bytes it sends, before any
 * TLS library sees them: the MQTT/TLS listener picks the endpoint role (and so whether to ask for
 * a client certificate) from them. Wire formats: TLS record layer (RFC 8446 §5.1: type 22 =
 * handshake, fragments of at most 2^14 bytes, a handshake message may span records), ClientHello
 * (RFC 8446 §4.1.2, same layout in TLS 1.2, RFC 5246 §7.4.1.2, where extensions may be absent)
 * and the application_layer_protocol_negotiation extension (type 16, RFC 7301 §3.1).
 */
export type ClientHelloPeek =
  /** More bytes are needed. */
  | { readonly kind: 'incomplete' }
  /** A whole ClientHello: the names it offers, in its order (empty without the extension). */
  | { readonly kind: 'client-hello'; readonly alpn: readonly string[] }
  /** Not a TLS ClientHello (plain MQTT, garbage, lengths that do not add up). */
  | { readonly kind: 'not-a-client-hello' };

const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
const CONTENT_TYPE_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const MAX_FRAGMENT = 2 ** 14;
/** Real ClientHellos are a few KB (post-quantum key shares included); anything larger is refused. */
const MAX_CLIENT_HELLO = 64 * 1024;
const EXTENSION_ALPN = 16;

const NOT_A_CLIENT_HELLO: ClientHelloPeek = { kind: 'not-a-client-hello' };
const INCOMPLETE: ClientHelloPeek = { kind: 'incomplete' };

/** The ClientHello at the start of `bytes`, or why there is none (yet). */
export function peekClientHello(bytes: Buffer): ClientHelloPeek {
  const fragments: Buffer[] = [];
  let received = 0;
  for (let offset = 0; ; ) {
    if (bytes.length < offset + RECORD_HEADER) return INCOMPLETE;
    const length = bytes.readUInt16BE(offset + 3);
    if (bytes[offset] !== CONTENT_TYPE_HANDSHAKE || bytes[offset + 1] !== 3 || length === 0 || length > MAX_FRAGMENT) return NOT_A_CLIENT_HELLO;
    if (bytes.length < offset + RECORD_HEADER + length) return INCOMPLETE;
    fragments.push(bytes.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length));
    received += length;
    offset += RECORD_HEADER + length;
    if (received < HANDSHAKE_HEADER) continue;
    const handshake = fragments.length === 1 ? (fragments[0] as Buffer) : Buffer.concat(fragments);
    const bodyLength = handshake.readUIntBE(1, 3);
    if (handshake[0] !== HANDSHAKE_CLIENT_HELLO || bodyLength > MAX_CLIENT_HELLO) return NOT_A_CLIENT_HELLO;
    if (received < HANDSHAKE_HEADER + bodyLength) continue;
    const alpn = alpnOf(handshake.subarray(HANDSHAKE_HEADER, HANDSHAKE_HEADER + bodyLength));
    return alpn ? { kind: 'client-hello', alpn } : NOT_A_CLIENT_HELLO;
  }
}

/** The offered ALPN names of a ClientHello body; undefined when the body is malformed. */
function alpnOf(body: Buffer): string[] | undefined {
  const reader = new Reader(body);
  try {
    reader.skip(2 + 32); // legacy_version, random
    reader.vector(1); // legacy_session_id
    reader.vector(2); // cipher_suites
    reader.vector(1); // legacy_compression_methods
    if (reader.done()) return []; // TLS 1.2 allows a ClientHello without extensions
    const extensions = new Reader(reader.vector(2));
    while (!extensions.done()) {
      const type = extensions.u16();
      const data = extensions.vector(2);
      if (type === EXTENSION_ALPN) return protocolNames(data);
    }
    return [];
  } catch {
    return undefined;
  }
}

/** ProtocolNameList: a 2-byte length, then names of 1–255 bytes each with a 1-byte length. */
function protocolNames(data: Buffer): string[] {
  const outer = new Reader(data);
  const list = new Reader(outer.vector(2));
  const names: string[] = [];
  while (!list.done()) {
    const name = list.vector(1);
    if (name.length === 0) throw new RangeError('empty ALPN protocol name');
    names.push(name.toString('latin1'));
  }
  return names;
}

/** Bounds-checked reads over one buffer: reading past its end throws. */
class Reader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  done(): boolean {
    return this.offset >= this.bytes.length;
  }

  skip(count: number): void {
    this.take(count);
  }

  u16(): number {
    return this.take(2).readUInt16BE(0);
  }

  /** A length-prefixed vector, the length taking `lengthBytes` bytes. */
  vector(lengthBytes: 1 | 2): Buffer {
    const length = lengthBytes === 1 ? this.take(1).readUInt8(0) : this.u16();
    return this.take(length);
  }

  private take(count: number): Buffer {
    if (this.offset + count > this.bytes.length) throw new RangeError('ClientHello field runs past its end');
    const slice = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return slice;
  }
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Cognito's SRP-6a variant, server side, as AWS's own clients (amazon-cognito-identity-js, Amplify's
 * `AuthenticationHelper`) compute it: the RFC 5054 3072-bit group, g = 2, SHA-256, integers hashed
 * in their shortest two's-complement big-endian form (`padHex`: a leading 00 byte when the top bit
 * is set), k = H(N | g), u = H(A | B), x = H(salt | H(poolName + username + ":" + password)), the
 * session key K = HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key")[0..16], and the
 * claim signature HMAC-SHA256(K, poolName | USER_ID_FOR_SRP | SECRET_BLOCK bytes | TIMESTAMP).
 */
export const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
export const g = 2n;

/** The shortest even-length big-endian hex of a non-negative integer, with a 00 byte when its top bit is set. */
export function padHex(n: bigint): string {
  const hex = n.toString(16);
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return /^[89a-f]/i.test(even) ? `00${even}` : even;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const hexHash = (hex: string) => sha256Hex(Buffer.from(hex, 'hex'));

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

export const k = BigInt(`0x${hexHash(padHex(N) + padHex(g))}`);

/** The pool name part of a user pool id (`us-east-1_AbC123` → `AbC123`), which SRP hashes. */
export const srpPoolName = (userPoolId: string) => userPoolId.split('_')[1] ?? '';

/** v = g^x, x = H(salt | H(poolName + username + ":" + password)). */
export function passwordVerifier(poolName: string, username: string, password: string, saltHex: string): bigint {
  const x = BigInt(`0x${hexHash(padHex(BigInt(`0x${saltHex}`)) + sha256Hex(`${poolName}${username}:${password}`))}`);
  return modPow(g, x, N);
}

export interface ServerChallenge {
  readonly b: bigint;
  readonly B: bigint;
}

/** B = k·v + g^b mod N, with a fresh 128-byte b (B mod N is never 0). */
export function serverChallenge(verifier: bigint): ServerChallenge {
  for (;;) {
    const b = BigInt(`0x${randomBytes(128).toString('hex')}`);
    const B = (k * verifier + modPow(g, b, N)) % N;
    if (B !== 0n) return { b, B };
  }
}

function hkdf(ikm: Buffer, salt: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])])).digest().subarray(0, 16);
}

/** K from the server's side: S = (A · v^u)^b mod N. */
export function serverSessionKey(A: bigint, verifier: bigint, challenge: ServerChallenge): Buffer {
  const u = BigInt(`0x${hexHash(padHex(A) + padHex(challenge.B))}`);
  const S = modPow(A * modPow(verifier, u, N), challenge.b, N);
  return hkdf(Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'));
}

/** K from the client's side: S = (B − k·g^x)^(a + u·x) mod N (what the clients compute; used by tests). */
export function clientSessionKey(input: { a: bigint; A: bigint; B: bigint; poolName: string; username: string; password: string; saltHex: string }): Buffer {
  const u = BigInt(`0x${hexHash(padHex(input.A) + padHex(input.B))}`);
  const x = BigInt(`0x${hexHash(padHex(BigInt(`0x${input.saltHex}`)) + sha256Hex(`${input.poolName}${input.username}:${input.password}`))}`);
  const base = (((input.B - k * modPow(g, x, N)) % N) + N) % N;
  const S = modPow(base, input.a + u * x, N);
  return hkdf(Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'));
}

/** PASSWORD_CLAIM_SIGNATURE = Base64(HMAC-SHA256(K, poolName | USER_ID_FOR_SRP | SECRET_BLOCK bytes | TIMESTAMP)). */
export function claimSignature(key: Buffer, parts: { poolName: string; userIdForSrp: string; secretBlock: string; timestamp: string }): string {
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(parts.poolName, 'utf8'), Buffer.from(parts.userIdForSrp, 'utf8'), Buffer.from(parts.secretBlock, 'base64'), Buffer.from(parts.timestamp, 'utf8')]))
    .digest('base64');
}

export function signaturesMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The TIMESTAMP form the clients send, "ddd MMM D HH:mm:ss UTC YYYY" (day without a leading zero). */
export function srpTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * The instant a TIMESTAMP names, or undefined unless it is exactly in the clients' form: AWS
 * refuses "Wed Apr 05 …" (a leading zero) with "Incorrect username or password."
 * (https://github.com/qwigo/warrant/pull/12), so the text must round-trip.
 */
export function parseSrpTimestamp(text: string): number | undefined {
  const m = /^(\w{3}) (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2] ?? '');
  if (month < 0) return undefined;
  const ms = Date.UTC(Number(m[7]), month, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return srpTimestamp(ms) === text ? ms : undefined;
}

/** An SRP_A as the clients send it (hex, any case, no prefix); undefined when not hex. */
export function parseSrpA(text: string): bigint | undefined {
  return /^[0-9a-fA-F]{1,2048}$/.test(text) ? BigInt(`0x${text}`) : undefined;
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Claim codes (design section 8): 160 random bits, shown once to the operator who registers the
 * device (printed on its label), stored only as a salted SHA-256 in the thing attribute
 * `claimHash` as `<salt hex>.<hash hex>`. Thing attribute values allow `[a-zA-Z0-9_.,@/:#-]*`
 * up to 800 characters (https://docs.aws.amazon.com/iot/latest/apireference/API_AttributePayload.html).
 * With 160 bits of entropy a fast hash is enough: there is nothing to brute-force.
 */

/** The thing attribute that holds the salted hash of the claim code. */
export const CLAIM_HASH_ATTRIBUTE = 'claimHash';

const CODE_BYTES = 20;
const SALT_BYTES = 16;
/** Base32 (RFC 4648 alphabet) in groups of 4: readable off a label, 32 characters for 160 bits. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const CODE_PATTERN = /^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/;

export function generateClaimCode(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(CODE_BYTES);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return (out.match(/.{4}/g) ?? []).join('-');
}

/** Whether a string has the shape of a claim code (checked before any registry call). */
export function isClaimCodeShaped(code: string): boolean {
  return CODE_PATTERN.test(code.trim().toUpperCase());
}

function digest(code: string, salt: Buffer): Buffer {
  return createHash('sha256').update(salt).update(code.trim().toUpperCase()).digest();
}

/** The attribute value to store for a code: `<salt hex>.<sha256(salt || code) hex>`. */
export function hashClaimCode(code: string, random: (n: number) => Buffer = randomBytes): string {
  const salt = random(SALT_BYTES);
  return `${salt.toString('hex')}.${digest(code, salt).toString('hex')}`;
}

/** Compares a presented code with the stored hash in constant time. */
export function claimCodeMatches(code: string, stored: string | undefined): boolean {
  const [saltHex, hashHex] = (stored ?? '').split('.');
  if (!saltHex || !hashHex || !/^[0-9a-f]+$/.test(saltHex) || !/^[0-9a-f]{64}$/.test(hashHex)) return false;
  const expected = Buffer.from(hashHex, 'hex');
  return timingSafeEqual(digest(code, Buffer.from(saltHex, 'hex')), expected);
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  ALGORITHM_IDENTIFIER,
  AMZ_DATE_QUERY_PARAM,
  CREDENTIAL_QUERY_PARAM,
  EXPIRES_QUERY_PARAM,
  KEY_TYPE_IDENTIFIER,
  MAX_PRESIGNED_TTL,
  SIGNATURE_QUERY_PARAM,
  SIGNED_HEADERS_QUERY_PARAM,
  SignatureV4,
  TOKEN_QUERY_PARAM,
  getCanonicalHeaders,
} from '@smithy/signature-v4';
import type { HttpRequest, QueryParameterBag } from '@smithy/types';
import { SANDBOX_REGION } from './account';
import type { CredentialStore, IssuedCredentials } from './credentials';
import { AwsServiceError } from './http';
import { Sha256 } from '../../functions/shared/aws/sha256';
import type { SigningNames } from './signing-names';

/** A request as the server received it: raw path and query, Node's lower-cased headers, body. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (still percent-encoded). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface VerifyOptions {
  /** The signing name(s) the credential scope may carry (`cognito-idp`, `iotdevicegateway`, ...; see signing-names.ts). */
  service: string | SigningNames;
  /** Default: the sandbox region. */
  region?: string;
  now?: () => number;
}

/**
 * Builds canonical requests with @smithy/signature-v4's own canonicalization (path double
 * encoding, query sorting and escaping, header value trimming), so the verifier and the SDK's
 * signer cannot disagree on it. Only the final HMAC chain is done here, synchronously, because
 * the signer's public API is async and the sandbox's callers (HTTP handlers, the broker's
 * upgrade hook) verify synchronously.
 */
class CanonicalRequestBuilder extends SignatureV4 {
  constructor(service: string) {
    super({ service, region: SANDBOX_REGION, credentials: { accessKeyId: '', secretAccessKey: '' }, sha256: Sha256, applyChecksum: false });
  }

  build(request: HttpRequest, signedHeaders: readonly string[], payloadHash: string): { canonicalRequest: string; headerList: string } {
    // Passing the signed names as `signableHeaders` keeps headers smithy never signs by default
    // (`connection`, which the IoT device SDK signs) when the client did sign them.
    const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signedHeaders));
    return {
      canonicalRequest: this.createCanonicalRequest(request, canonicalHeaders, payloadHash),
      headerList: this.getCanonicalHeaderList(canonicalHeaders),
    };
  }
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
/** AWS rejects requests whose date is more than 5 minutes away from its clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const MESSAGES = {
  missing: 'Request is missing Authentication Token',
  invalidToken: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  mismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
} as const;

// Error types and statuses as listed in AWS's "Common Errors" API reference pages
// (MissingAuthenticationToken, IncompleteSignature, ExpiredTokenException: 403) and as the JSON
// services name them on the wire (`...Exception`).
const missingAuth = () => new AwsServiceError(403, 'MissingAuthenticationTokenException', MESSAGES.missing);
const incomplete = (message: string) => new AwsServiceError(403, 'IncompleteSignatureException', message);
const invalidSignature = (message: string) => new AwsServiceError(403, 'InvalidSignatureException', message);
const unrecognized = () => new AwsServiceError(403, 'UnrecognizedClientException', MESSAGES.invalidToken);

interface CredentialScope {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  scope: string;
}

/**
 * Verifies an `Authorization: AWS4-HMAC-SHA256 ...` request the way AWS does: look the secret up
 * by access key id, recompute the signature over exactly the signed headers and the body's
 * SHA-256, compare in constant time. Returns the caller's credentials (its principal).
 */
export function verifySignedRequest(req: SignedRequest, store: CredentialStore, opts: VerifyOptions): IssuedCredentials {
  const authorization = headerValue(req.headers, 'authorization');
  if (!authorization) throw missingAuth();
  const auth = parseAuthorizationHeader(authorization);
  const scope = parseCredentialScope(auth.credential);

  const amzDate = headerValue(req.headers, 'x-amz-date');
  if (!amzDate) throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const signedAt = parseAmzDate(amzDate);

  const credentials = lookupCurrentCredentials(store, scope.accessKeyId, headerValue(req.headers, 'x-amz-security-token'));
  checkScope(scope, amzDate, opts);
  checkClockSkew(amzDate, signedAt, (opts.now ?? Date.now)());

  const { path, query } = splitUrl(req.url);
  const request = httpRequest(req.method, path, query, pickHeaders(req.headers, auth.signedHeaders));
  const payloadHash = createHash('sha256').update(req.body).digest('hex');
  const expected = computeSignature(credentials.secretAccessKey, scope, amzDate, request, auth.signedHeaders, payloadHash);
  if (!expected || !constantTimeEqual(expected, auth.signature)) throw invalidSignature(MESSAGES.mismatch);
  return credentials;
}

/**
 * Verifies a query-string (presigned) SigV4 request, as AWS IoT does for MQTT over WebSocket
 * (`GET /mqtt?X-Amz-Algorithm=...&X-Amz-Signature=...`, signing name `iotdevicegateway`, payload
 * hash = SHA-256 of the empty string).
 *
 * Lenient exactly where real clients differ: aws-iot-device-sdk-v2 appends
 * `X-Amz-Security-Token` after signing while generic presigners sign it, and the device SDK signs
 * `host` without the port, so both forms of each are tried. Everything else is strict.
 */
export function verifyPresignedUrl(
  req: { url: string; headers: Record<string, string | string[] | undefined> },
  store: CredentialStore,
  opts: VerifyOptions,
): IssuedCredentials {
  const { path, query } = splitUrl(req.url);
  const param = (name: string): string | undefined => {
    const value = query[name];
    return typeof value === 'string' ? value : undefined;
  };
  const signature = param(SIGNATURE_QUERY_PARAM);
  const credential = param(CREDENTIAL_QUERY_PARAM);
  if (signature === undefined && credential === undefined) throw missingAuth();
  for (const name of [SIGNATURE_QUERY_PARAM, CREDENTIAL_QUERY_PARAM, AMZ_DATE_QUERY_PARAM, SIGNED_HEADERS_QUERY_PARAM, 'X-Amz-Algorithm']) {
    if (param(name) === undefined) throw incomplete(`AWS query-string parameters must include '${name}' exactly once.`);
  }
  if (param('X-Amz-Algorithm') !== ALGORITHM_IDENTIFIER) throw incomplete(`Unsupported AWS 'algorithm': '${param('X-Amz-Algorithm')}'.`);
  const scope = parseCredentialScope(credential ?? '');
  const amzDate = param(AMZ_DATE_QUERY_PARAM) ?? '';
  const signedAt = parseAmzDate(amzDate);
  const signedHeaders = parseSignedHeaders(param(SIGNED_HEADERS_QUERY_PARAM) ?? '');
  const token = param(TOKEN_QUERY_PARAM);

  const credentials = lookupCurrentCredentials(store, scope.accessKeyId, token);
  checkScope(scope, amzDate, opts);
  const now = (opts.now ?? Date.now)();
  const expiresParam = param(EXPIRES_QUERY_PARAM);
  if (expiresParam === undefined) {
    // The device SDK sends no X-Amz-Expires: it signs at connect time, so the header-auth window applies.
    checkClockSkew(amzDate, signedAt, now);
  } else {
    const expires = Number(expiresParam);
    if (!/^\d+$/.test(expiresParam) || expires < 1 || expires > MAX_PRESIGNED_TTL) {
      throw incomplete(`X-Amz-Expires must be an integer between 1 and ${MAX_PRESIGNED_TTL} seconds.`);
    }
    if (signedAt - MAX_CLOCK_SKEW_MS > now) throw invalidSignature(`Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)}`);
    if (signedAt + expires * 1000 < now) {
      throw invalidSignature(`Signature expired: X-Amz-Date ${amzDate} + X-Amz-Expires ${expires} s is earlier than ${formatAmzDate(now)}`);
    }
  }

  const headers = pickHeaders(req.headers, signedHeaders);
  const queryVariants: QueryParameterBag[] = [query];
  if (token !== undefined) {
    const { [TOKEN_QUERY_PARAM]: _appendedAfterSigning, ...withoutToken } = query;
    queryVariants.push(withoutToken);
  }
  const hostVariants: Array<Record<string, string>> = [headers];
  const host = headers['host'];
  const portless = host?.replace(/:\d+$/, '');
  if (host !== undefined && portless !== host) hostVariants.push({ ...headers, host: portless ?? '' });

  let matched = false;
  for (const q of queryVariants) {
    for (const h of hostVariants) {
      const expected = computeSignature(credentials.secretAccessKey, scope, amzDate, httpRequest('GET', path, q, h), signedHeaders, EMPTY_SHA256);
      // No early exit: every variant costs the same whether or not an earlier one matched.
      if (expected && constantTimeEqual(expected, signature ?? '')) matched = true;
    }
  }
  if (!matched) throw invalidSignature(MESSAGES.mismatch);
  return credentials;
}

function parseAuthorizationHeader(value: string): { credential: string; signedHeaders: string[]; signature: string } {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM_IDENTIFIER) throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  const parts = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  const missing = [
    credential === undefined ? "Authorization header requires 'Credential' parameter." : '',
    signedHeaders === undefined ? "Authorization header requires 'SignedHeaders' parameter." : '',
    signature === undefined ? "Authorization header requires 'Signature' parameter." : '',
  ].filter(Boolean);
  if (credential === undefined || signedHeaders === undefined || signature === undefined) throw incomplete(missing.join(' '));
  return { credential, signedHeaders: parseSignedHeaders(signedHeaders), signature };
}

function parseSignedHeaders(value: string): string[] {
  const names = value.split(';').map((n) => n.trim().toLowerCase());
  if (names.some((n) => n === '')) throw incomplete(`Invalid SignedHeaders: '${value}'.`);
  return names;
}

/** `AKID/yyyymmdd/region/service/aws4_request` (SigV4 credential scope). */
function parseCredentialScope(value: string): CredentialScope {
  const parts = value.split('/');
  const [accessKeyId, shortDate, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !shortDate || !region || !service || terminator !== KEY_TYPE_IDENTIFIER) {
    throw incomplete(`Credential should be scoped to a valid region, service and terminator '${KEY_TYPE_IDENTIFIER}': '${value}'.`);
  }
  return { accessKeyId, shortDate, region, service, scope: `${shortDate}/${region}/${service}/${KEY_TYPE_IDENTIFIER}` };
}

function checkScope(scope: CredentialScope, amzDate: string, opts: VerifyOptions): void {
  const region = opts.region ?? SANDBOX_REGION;
  if (scope.region !== region) throw invalidSignature(`Credential should be scoped to a valid region, not '${scope.region}'.`);
  const accepted: readonly string[] = typeof opts.service === 'string' ? [opts.service] : opts.service;
  if (!accepted.includes(scope.service)) throw invalidSignature(`Credential should be scoped to correct service: '${accepted[0] ?? ''}'.`);
  if (scope.shortDate !== amzDate.slice(0, 8)) {
    throw invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.shortDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
}

/** Unknown key → UnrecognizedClientException; wrong session token too; expired → ExpiredTokenException. */
function lookupCurrentCredentials(store: CredentialStore, accessKeyId: string, sessionToken: string | undefined): IssuedCredentials {
  const credentials = store.lookup(accessKeyId);
  if (!credentials) throw unrecognized();
  if (credentials.sessionToken !== undefined && (sessionToken === undefined || !constantTimeEqual(credentials.sessionToken, sessionToken))) {
    throw unrecognized();
  }
  if (!store.isCurrent(credentials, sessionToken)) throw new AwsServiceError(403, 'ExpiredTokenException', MESSAGES.expiredToken);
  return credentials;
}

function checkClockSkew(amzDate: string, signedAt: number, now: number): void {
  if (signedAt < now - MAX_CLOCK_SKEW_MS) {
    throw invalidSignature(`Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`);
  }
  if (signedAt > now + MAX_CLOCK_SKEW_MS) {
    throw invalidSignature(`Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`);
  }
}

/** `yyyymmddThhmmssZ` (ISO 8601 basic format, as SigV4 requires). */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function formatAmzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function splitUrl(url: string): { path: string; query: QueryParameterBag } {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)) || '/';
  const query: QueryParameterBag = {};
  if (q >= 0) {
    for (const pair of url.slice(q + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      // SigV4 canonicalizes RFC 3986 encoding: '+' is a literal plus, not a space.
      const key = decode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
      const existing = query[key];
      if (existing === undefined || existing === null) query[key] = value;
      else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
  }
  return { path, query };
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw incomplete(`Malformed percent-encoding in query string: '${component}'.`);
  }
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Only the signed headers take part; a signed header the request lacks makes the signature differ. */
function pickHeaders(headers: SignedRequest['headers'], signed: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of signed) {
    const value = headerValue(headers, name);
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

function httpRequest(method: string, path: string, query: QueryParameterBag, headers: Record<string, string>): HttpRequest {
  return { method: method.toUpperCase(), protocol: 'http:', hostname: headers['host'] ?? '', path, query, headers };
}

const builders = new Map<string, CanonicalRequestBuilder>();

/** The signature the client should have sent, or undefined when a signed header is missing. */
function computeSignature(
  secret: string,
  scope: CredentialScope,
  amzDate: string,
  request: HttpRequest,
  signedHeaders: readonly string[],
  payloadHash: string,
): string | undefined {
  let builder = builders.get(scope.service);
  if (!builder) {
    builder = new CanonicalRequestBuilder(scope.service);
    builders.set(scope.service, builder);
  }
  const { canonicalRequest, headerList } = builder.build(request, signedHeaders, payloadHash);
  if (headerList !== [...signedHeaders].sort().join(';')) return undefined;
  const stringToSign = [ALGORITHM_IDENTIFIER, amzDate, scope.scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  // Signing key derivation: HMAC chain over date, region, service, "aws4_request" (SigV4 spec).
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(scope.shortDate).digest();
  for (const part of [scope.region, scope.service, KEY_TYPE_IDENTIFIER]) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

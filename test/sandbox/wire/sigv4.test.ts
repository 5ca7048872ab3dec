import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, QueryParameterBag } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../sandbox/wire/account';
import { CredentialStore } from '../../../sandbox/wire/credentials';
import { AwsServiceError } from '../../../sandbox/wire/http';
import { Sha256 } from '../../../functions/shared/aws/sha256';
import { verifyPresignedUrl, verifySignedRequest, type SignedRequest } from '../../../sandbox/wire/sigv4';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const now = () => NOW;
const HOST = '127.0.0.1:4566';

function signer(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, service: string) {
  return new SignatureV4({ credentials, region: 'us-east-1', service, sha256: Sha256 });
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function toUrl(path: string, query: QueryParameterBag | undefined): string {
  const pairs = Object.entries(query ?? {}).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v ?? '']).map((one) => `${rfc3986(k)}=${rfc3986(one)}`),
  );
  return pairs.length ? `${path}?${pairs.join('&')}` : path;
}

function headersOf(request: HttpRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
}

async function signedJsonRequest(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  opts: { body?: string; service?: string; signingDate?: Date; query?: Record<string, string> } = {},
): Promise<SignedRequest> {
  const body = opts.body ?? '{"UserPoolId":"us-east-1_abcdefghi"}';
  const request: HttpRequest = {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: '/',
    query: opts.query ?? {},
    headers: { host: HOST, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser' },
    body,
  };
  const signed = await signer(credentials, opts.service ?? 'cognito-idp').sign(request, { signingDate: opts.signingDate ?? new Date(NOW) });
  return { method: signed.method, url: toUrl(signed.path, signed.query), headers: headersOf(signed), body: Buffer.from(body) };
}

function rejection(fn: () => unknown): AwsServiceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AwsServiceError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('verifySignedRequest (Authorization header)', () => {
  const opts = { service: 'cognito-idp', now };

  it('accepts a request signed by @smithy/signature-v4 with the backend credentials', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest(SANDBOX_BACKEND_CREDENTIALS);
    expect(verifySignedRequest(req, store, opts).principal).toEqual({ kind: 'backend' });
  });

  it('accepts temporary credentials with their session token and returns the identity principal', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity('us-east-1:11111111-2222-3333-4444-555555555555', 'arn:aws:iam::000000000000:role/auth');
    const req = await signedJsonRequest(issued);
    expect(verifySignedRequest(req, store, opts).principal).toEqual(issued.principal);
  });

  it('accepts a signed query string and percent-encoded values', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest(SANDBOX_BACKEND_CREDENTIALS, { query: { qos: '1', topic: 'a b/c+d' } });
    expect(verifySignedRequest(req, store, opts).accessKeyId).toBe(SANDBOX_BACKEND_CREDENTIALS.accessKeyId);
  });

  it('rejects a tampered body with InvalidSignatureException', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest(SANDBOX_BACKEND_CREDENTIALS);
    const error = rejection(() => verifySignedRequest({ ...req, body: Buffer.from('{"UserPoolId":"other"}') }, store, opts));
    expect([error.status, error.type]).toEqual([403, 'InvalidSignatureException']);
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('rejects a tampered query string', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest(SANDBOX_BACKEND_CREDENTIALS, { query: { qos: '0' } });
    const error = rejection(() => verifySignedRequest({ ...req, url: req.url.replace('qos=0', 'qos=1') }, store, opts));
    expect(error.type).toBe('InvalidSignatureException');
  });

  it('rejects a tampered signed header', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest(SANDBOX_BACKEND_CREDENTIALS);
    const headers = { ...req.headers, 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDeleteUser' };
    expect(rejection(() => verifySignedRequest({ ...req, headers }, store, opts)).type).toBe('InvalidSignatureException');
  });

  it('rejects a signature made with the wrong secret', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest({ accessKeyId: SANDBOX_BACKEND_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    expect(rejection(() => verifySignedRequest(req, store, opts)).type).toBe('InvalidSignatureException');
  });

  it('rejects an unknown access key with UnrecognizedClientException', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'whatever' });
    const error = rejection(() => verifySignedRequest(req, store, opts));
    expect([error.status, error.type, error.message]).toEqual([403, 'UnrecognizedClientException', 'The security token included in the request is invalid.']);
  });

  it('rejects an x-amz-date more than 5 minutes old as an expired signature', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest(SANDBOX_BACKEND_CREDENTIALS, { signingDate: new Date(NOW - 5 * 60_000 - 1000) });
    const error = rejection(() => verifySignedRequest(req, store, opts));
    expect(error.type).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^Signature expired: /);
  });

  it('accepts an x-amz-date within the 5-minute skew', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest(SANDBOX_BACKEND_CREDENTIALS, { signingDate: new Date(NOW - 4 * 60_000) });
    expect(() => verifySignedRequest(req, store, opts)).not.toThrow();
  });

  it('rejects a credential scoped to another service', async () => {
    const store = new CredentialStore(now);
    const req = await signedJsonRequest(SANDBOX_BACKEND_CREDENTIALS, { service: 'cognito-identity' });
    const error = rejection(() => verifySignedRequest(req, store, opts));
    expect(error.message).toBe("Credential should be scoped to correct service: 'cognito-idp'.");
  });

  it('rejects a request without an Authorization header', () => {
    const store = new CredentialStore(now);
    const error = rejection(() => verifySignedRequest({ method: 'POST', url: '/', headers: { host: HOST }, body: Buffer.alloc(0) }, store, opts));
    expect([error.status, error.type]).toEqual([403, 'MissingAuthenticationTokenException']);
  });

  it('rejects expired temporary credentials with ExpiredTokenException', async () => {
    let clock = NOW;
    const store = new CredentialStore(() => clock);
    const issued = store.issueForIdentity('us-east-1:11111111-2222-3333-4444-555555555555', 'arn:aws:iam::000000000000:role/auth', 60_000);
    clock = NOW + 61_000;
    const req = await signedJsonRequest(issued, { signingDate: new Date(clock) });
    const error = rejection(() => verifySignedRequest(req, store, { service: 'cognito-idp', now: () => clock }));
    expect([error.status, error.type]).toEqual([403, 'ExpiredTokenException']);
  });

  it('rejects temporary credentials sent with another session token', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity('us-east-1:11111111-2222-3333-4444-555555555555', 'arn:aws:iam::000000000000:role/auth');
    const req = await signedJsonRequest({ ...issued, sessionToken: 'forged-token' });
    expect(rejection(() => verifySignedRequest(req, store, opts)).type).toBe('UnrecognizedClientException');
  });
});

describe('verifyPresignedUrl (MQTT over WebSocket)', () => {
  const opts = { service: 'iotdevicegateway', now };
  const identity = 'us-east-1:11111111-2222-3333-4444-555555555555';
  const role = 'arn:aws:iam::000000000000:role/auth';

  /** What @smithy/signature-v4's presign produces: token in the canonical query, X-Amz-Expires set. */
  async function presigned(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, expiresIn = 300, signingDate = new Date(NOW)) {
    const request: HttpRequest = { method: 'GET', protocol: 'wss:', hostname: '127.0.0.1', port: 4566, path: '/mqtt', query: {}, headers: { host: HOST } };
    const signed = await signer(credentials, 'iotdevicegateway').presign(request, { signingDate, expiresIn });
    return toUrl(signed.path, signed.query);
  }

  /**
   * What aws-iot-device-sdk-v2 produces: signed headers connection;host with a port-less host,
   * no X-Amz-Expires, the token appended after signing. The query signature equals a header-mode
   * signature over the same canonical request, which is how the real signer computes it here.
   */
  async function deviceSdkUrl(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }, signingDate = new Date(NOW)) {
    const query: Record<string, string> = {
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${credentials.accessKeyId}/${new Date(signingDate).toISOString().slice(0, 10).replace(/-/g, '')}/us-east-1/iotdevicegateway/aws4_request`,
      'X-Amz-Date': signingDate.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''),
      'X-Amz-SignedHeaders': 'connection;host',
    };
    const request: HttpRequest = { method: 'GET', protocol: 'wss:', hostname: '127.0.0.1', path: '/mqtt', query, headers: { host: '127.0.0.1', connection: 'Upgrade' } };
    const withoutToken = { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
    const signed = await new SignatureV4({ credentials: withoutToken, region: 'us-east-1', service: 'iotdevicegateway', sha256: Sha256, applyChecksum: false }).sign(request, {
      signingDate,
      signableHeaders: new Set(['connection', 'host']),
      unsignableHeaders: new Set(['x-amz-date']),
    });
    const signature = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? '';
    return `${toUrl('/mqtt', query)}&X-Amz-Security-Token=${rfc3986(credentials.sessionToken)}&X-Amz-Signature=${signature}`;
  }

  it('accepts a URL presigned by @smithy/signature-v4 with the token in the canonical query', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity(identity, role);
    const url = await presigned(issued);
    expect(verifyPresignedUrl({ url, headers: { host: HOST } }, store, opts).principal).toEqual(issued.principal);
  });

  it('accepts the device SDK form: token appended after signing, host signed without port, connection signed', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity(identity, role);
    const url = await deviceSdkUrl(issued);
    const headers = { host: HOST, connection: 'Upgrade' };
    expect(verifyPresignedUrl({ url, headers }, store, opts).principal).toEqual(issued.principal);
  });

  it('rejects a tampered query string', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity(identity, role);
    const url = `${await presigned(issued)}&clientId=someone-else`;
    const error = rejection(() => verifyPresignedUrl({ url, headers: { host: HOST } }, store, opts));
    expect([error.status, error.type]).toEqual([403, 'InvalidSignatureException']);
  });

  it('rejects a URL whose signed header was changed', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity(identity, role);
    const url = await deviceSdkUrl(issued);
    const error = rejection(() => verifyPresignedUrl({ url, headers: { host: HOST, connection: 'close' } }, store, opts));
    expect(error.type).toBe('InvalidSignatureException');
  });

  it('rejects a URL signed with the wrong secret', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity(identity, role);
    const url = await presigned({ ...issued, secretAccessKey: 'wrong-secret' });
    expect(rejection(() => verifyPresignedUrl({ url, headers: { host: HOST } }, store, opts)).type).toBe('InvalidSignatureException');
  });

  it('rejects a URL whose X-Amz-Date + X-Amz-Expires has passed', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity(identity, role);
    const url = await presigned(issued, 60, new Date(NOW - 61_000));
    const error = rejection(() => verifyPresignedUrl({ url, headers: { host: HOST } }, store, opts));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/^Signature expired: /);
  });

  it('rejects a device SDK URL signed more than 5 minutes ago', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity(identity, role);
    const url = await deviceSdkUrl(issued, new Date(NOW - 6 * 60_000));
    expect(rejection(() => verifyPresignedUrl({ url, headers: { host: HOST, connection: 'Upgrade' } }, store, opts)).message).toMatch(/^Signature expired: /);
  });

  it('rejects an unknown access key', async () => {
    const store = new CredentialStore(now);
    const url = await presigned({ accessKeyId: 'ASIAUNKNOWN', secretAccessKey: 'x', sessionToken: 'y' });
    const error = rejection(() => verifyPresignedUrl({ url, headers: { host: HOST } }, store, opts));
    expect([error.status, error.type]).toEqual([403, 'UnrecognizedClientException']);
  });

  it('rejects temporary credentials presented without their session token', async () => {
    const store = new CredentialStore(now);
    const issued = store.issueForIdentity(identity, role);
    const url = await presigned({ accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey });
    expect(rejection(() => verifyPresignedUrl({ url, headers: { host: HOST } }, store, opts)).type).toBe('UnrecognizedClientException');
  });

  it('rejects a URL without any SigV4 parameters as missing authentication', () => {
    const store = new CredentialStore(now);
    expect(rejection(() => verifyPresignedUrl({ url: '/mqtt', headers: { host: HOST } }, store, opts)).type).toBe('MissingAuthenticationTokenException');
  });
});

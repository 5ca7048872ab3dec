import type { CommandApi } from './api';
import type { WebConfig } from './config';
import type { TemporaryCredentials } from './sigv4';

/** What `GET /iot/credentials` answers (docs/client-flow.md). */
export interface IotAccess {
  readonly identityId: string;
  readonly token: string;
  readonly iotEndpoint: string;
  readonly region: string;
}

/** The identity's AWS credentials and when they expire, in the page's own clock. */
export interface IdentityCredentials {
  readonly access: IotAccess;
  readonly credentials: TemporaryCredentials;
  readonly expiresAtLocalMs: number;
}

/**
 * GET /iot/credentials (the caller's identity id and OpenID token), then Cognito's
 * GetCredentialsForIdentity with that token (an unsigned JSON 1.1 call). `clockSkewMs` (local minus
 * AWS, from the session's tokens) turns AWS's `Expiration` into the page's clock.
 */
export async function identityCredentials(config: WebConfig, api: CommandApi, clockSkewMs: number): Promise<IdentityCredentials> {
  const access = (await api.iotAccess()) as IotAccess;
  const endpoint = config.cognitoIdentityEndpoint ?? `https://cognito-identity.${config.region}.amazonaws.com/`;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetCredentialsForIdentity' },
    body: JSON.stringify({ IdentityId: access.identityId, Logins: { 'cognito-identity.amazonaws.com': access.token } }),
  });
  const body = (await response.json()) as { Credentials?: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string; Expiration?: number }; __type?: string };
  const c = body.Credentials;
  if (!response.ok || !c?.AccessKeyId || !c.SecretKey || !c.SessionToken) throw new Error(`GetCredentialsForIdentity failed: ${body.__type ?? response.status}`);
  // Expiration is epoch seconds in the JSON protocol; Cognito's credentials last 1 hour.
  const expiresAtMs = typeof c.Expiration === 'number' ? c.Expiration * 1000 : Date.now() - clockSkewMs + 3600_000;
  return {
    access,
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken },
    expiresAtLocalMs: expiresAtMs + clockSkewMs,
  };
}

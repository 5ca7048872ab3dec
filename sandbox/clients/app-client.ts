import { createHmac } from 'node:crypto';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand } from '@aws-sdk/client-cognito-identity';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { SignatureV4 } from '@smithy/signature-v4';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { Sha256 } from '../../functions/shared/aws/sha256';

/**
 * What an app does, in the order of the client flow (docs/client-flow.md): sign up and in against the user
 * pool (USER_PASSWORD_AUTH with SECRET_HASH), fetch its IoT identity from the API, exchange the
 * token for credentials, connect by MQTT over WebSocket with SigV4, and send commands. It uses
 * only public clients (AWS SDK v3, fetch, mqtt.js); the sandbox demo, the end-to-end tests and
 * the benchmark drive the product through it.
 */
export interface AppConfig {
  readonly region: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly apiUrl: string;
  /** Endpoint overrides (the sandbox); absent on AWS. */
  readonly cognitoIdpEndpoint?: string;
  readonly cognitoIdentityEndpoint?: string;
  /** `ws` for the sandbox's plain WebSocket listener, `wss` on AWS. Default `wss`. */
  readonly mqttScheme?: 'ws' | 'wss';
}

export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
  /** Present after a password sign-in; a refresh does not return a new one (Cognito's behaviour). */
  readonly refreshToken?: string;
}

export interface IotAccess {
  readonly identityId: string;
  readonly token: string;
  readonly iotEndpoint: string;
  readonly region: string;
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The `Retry-After` header, in seconds, when the API sent one (409 NotOnboarded). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'ApiRequestError';
  }
}

/** The claims of a JWT, unverified: for reading what the app was just given, never for trusting it. */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The user-pool `sub` of the signed-in user. */
export function subOf(tokens: Tokens): string {
  const sub = jwtClaims(tokens.idToken).sub;
  if (typeof sub !== 'string') throw new Error('the ID token has no sub claim');
  return sub;
}

export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}

export class AppClient {
  readonly idp: CognitoIdentityProviderClient;
  readonly identity: CognitoIdentityClient;

  constructor(readonly config: AppConfig) {
    // The public Cognito operations are unsigned; no AWS credentials are needed on the device.
    const anonymous = { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' };
    this.idp = new CognitoIdentityProviderClient({
      region: config.region,
      credentials: anonymous,
      ...(config.cognitoIdpEndpoint ? { endpoint: config.cognitoIdpEndpoint } : {}),
    });
    this.identity = new CognitoIdentityClient({
      region: config.region,
      credentials: anonymous,
      ...(config.cognitoIdentityEndpoint ? { endpoint: config.cognitoIdentityEndpoint } : {}),
    });
  }

  private hash(username: string) {
    return secretHash(username, this.config.clientId, this.config.clientSecret);
  }

  async signUp(username: string, password: string, email: string): Promise<void> {
    await this.idp.send(
      new SignUpCommand({
        ClientId: this.config.clientId,
        SecretHash: this.hash(username),
        Username: username,
        Password: password,
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
  }

  async confirmSignUp(username: string, code: string): Promise<void> {
    await this.idp.send(
      new ConfirmSignUpCommand({ ClientId: this.config.clientId, SecretHash: this.hash(username), Username: username, ConfirmationCode: code }),
    );
  }

  /** USER_PASSWORD_AUTH with SECRET_HASH; Cognito runs the post-authentication trigger here. */
  async signIn(username: string, password: string): Promise<Tokens> {
    const out = await this.idp.send(
      new InitiateAuthCommand({
        ClientId: this.config.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password, SECRET_HASH: this.hash(username) },
      }),
    );
    const result = out.AuthenticationResult;
    if (!result?.IdToken || !result.AccessToken) throw new Error(`sign-in needs a challenge: ${out.ChallengeName ?? 'unknown'}`);
    return { idToken: result.IdToken, accessToken: result.AccessToken, ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}) };
  }

  /** REFRESH_TOKEN_AUTH: new ID and access tokens. Cognito does not run the post-authentication trigger here. */
  async refresh(username: string, refreshToken: string): Promise<Tokens> {
    const out = await this.idp.send(
      new InitiateAuthCommand({
        ClientId: this.config.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken, SECRET_HASH: this.hash(username) },
      }),
    );
    const result = out.AuthenticationResult;
    if (!result?.IdToken || !result.AccessToken) throw new Error('refresh returned no tokens');
    return { idToken: result.IdToken, accessToken: result.AccessToken, refreshToken };
  }

  private async api(method: string, path: string, token: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.config.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      const retryAfter = response.headers.get('retry-after');
      throw new ApiRequestError(response.status, String(json.error ?? 'HttpError'), String(json.message ?? text), retryAfter ? Number(retryAfter) : undefined);
    }
    return json;
  }

  /** `GET /iot/credentials`: the caller's identity id, OpenID token and IoT endpoint. */
  async iotAccess(idToken: string): Promise<IotAccess> {
    return (await this.api('GET', '/iot/credentials', idToken)) as IotAccess;
  }

  /** `GetCredentialsForIdentity` with the OpenID token: temporary credentials of the identity. */
  async credentials(access: IotAccess): Promise<AwsCredentialIdentity> {
    const out = await this.identity.send(
      new GetCredentialsForIdentityCommand({ IdentityId: access.identityId, Logins: { 'cognito-identity.amazonaws.com': access.token } }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretKey) throw new Error('GetCredentialsForIdentity returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
  }

  /** `POST /devices/{thing}/commands` with a desired state. */
  async sendCommand(idToken: string, thingName: string, desired: unknown): Promise<{ commandId: string; topic: string }> {
    return (await this.api('POST', `/devices/${encodeURIComponent(thingName)}/commands`, idToken, desired)) as { commandId: string; topic: string };
  }

  /** `GET /devices`: the caller's devices. */
  async listDevices(idToken: string): Promise<{ devices: Array<{ thingName: string }> }> {
    return (await this.api('GET', '/devices', idToken)) as { devices: Array<{ thingName: string }> };
  }

  /** `POST /devices/{thing}/claim` with the claim code from the device's label. */
  async claimDevice(idToken: string, thingName: string, claimCode: string): Promise<{ thingName: string; claimed: boolean }> {
    return (await this.api('POST', `/devices/${encodeURIComponent(thingName)}/claim`, idToken, { claimCode })) as { thingName: string; claimed: boolean };
  }

  /** `DELETE /devices/{thing}/claim`: releases the caller's device. */
  async releaseDevice(idToken: string, thingName: string): Promise<{ thingName: string; released: boolean }> {
    return (await this.api('DELETE', `/devices/${encodeURIComponent(thingName)}/claim`, idToken)) as { thingName: string; released: boolean };
  }

  /** MQTT over WebSocket, SigV4-presigned as AWS IoT expects; client id = identity id. */
  async connectMqtt(access: IotAccess, credentials: AwsCredentialIdentity, options: IClientOptions = {}): Promise<MqttClient> {
    const url = await presignMqttUrl(`${this.config.mqttScheme ?? 'wss'}://${access.iotEndpoint}/mqtt`, access.region, credentials);
    return connectAsync(url, { clientId: access.identityId, protocolVersion: 4, clean: true, keepalive: 30, reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  }
}

/**
 * SigV4 query signing for MQTT over WebSocket (service `iotdevicegateway`). The session token is
 * appended after signing, as AWS IoT's WebSocket endpoint expects.
 */
export async function presignMqttUrl(endpoint: string, region: string, credentials: AwsCredentialIdentity, expiresIn = 300): Promise<string> {
  const url = new URL(endpoint);
  const { sessionToken, ...longTerm } = credentials;
  const signer = new SignatureV4({ service: 'iotdevicegateway', region, credentials: longTerm, sha256: Sha256 });
  const signed = await signer.presign(
    { method: 'GET', protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: url.pathname, headers: { host: url.host }, query: {} },
    { expiresIn },
  );
  const query = { ...(signed.query ?? {}), ...(sessionToken ? { 'X-Amz-Security-Token': sessionToken } : {}) };
  const encoded = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${url.origin}${url.pathname}?${encoded}`;
}

/** Resolves with the next message on `topic` (JSON-parsed). */
export function nextMessage(client: MqttClient, topic: string, matches: (payload: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      const parsed = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      if (!matches(parsed)) return;
      client.off('message', onMessage);
      resolve(parsed);
    };
    client.on('message', onMessage);
  });
}

/** Resolves when the client's connection closes (a broker drops a client on a denied publish). */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.disconnected ? resolve() : client.once('close', () => resolve())));
}

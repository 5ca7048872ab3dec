import { createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { decodeJwt, errors as joseErrors } from 'jose';
import { SANDBOX_REGION } from './config';
import { RsaTokenSigner, issueUserPoolTokens, type PublicJwks } from './cognito-tokens';
import { CredentialStore } from './credentials';
import type { FaultInjector } from './faults';
import { AwsServiceError, sendJson, startHttpServer } from './http';
import {
  epochSeconds,
  invalidParameter,
  jsonTargetHandler,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireString,
  stringMap,
  type JsonOperation,
} from './json-target';
import { SIGNING_NAMES } from './signing-names';
import { verifySignedRequest } from './sigv4';

export interface CognitoIdpOptions {
  readonly faults: FaultInjector;
  /** Verifies the SigV4 signatures of the Admin* (IAM-authorized) operations. Default: a store that knows the backend credentials. */
  readonly store?: CredentialStore;
  readonly now?: () => number;
  readonly port?: number;
  /** ID and access token lifetime. Default 3600 s (Cognito's default). */
  readonly tokenLifetimeSeconds?: number;
  /** The post-authentication Lambda trigger. */
  readonly onPostAuthentication?: PostAuthenticationTrigger;
}

export type PostAuthenticationTrigger = (event: PostAuthenticationTriggerEvent) => Promise<unknown>;

export interface CreateUserPoolOptions {
  readonly name?: string;
  /** Custom attribute names without the `custom:` prefix, e.g. `['iot_onboarded', 'identity_id']`. */
  readonly customAttributes: readonly string[];
  /** Attributes app clients may read but not write (with or without `custom:`). */
  readonly readOnlyAttributes?: readonly string[];
}

export interface CreatedUserPool {
  readonly userPoolId: string;
  readonly issuer: string;
  readonly jwksUri: string;
}

export interface CreateAppClientOptions {
  readonly generateSecret: boolean;
  /** Attributes the client reads (tokens, GetUser). Default: all. */
  readonly readAttributes?: readonly string[];
  /** Attributes the client writes (SignUp, UpdateUserAttributes). Default: all but the pool's read-only ones. */
  readonly writeAttributes?: readonly string[];
}

export interface CognitoIdpServer {
  readonly url: string;
  close(): Promise<void>;
  createUserPool(opts: CreateUserPoolOptions): CreatedUserPool;
  createAppClient(userPoolId: string, opts: CreateAppClientOptions): { clientId: string; clientSecret?: string };
  /** The pool's public keys (a JWKS usable with jose and with aws-jwt-verify's `cacheJwks`). */
  jwks(userPoolId: string): PublicJwks;
  /** The pending sign-up confirmation code (what Cognito would email). */
  confirmationCode(userPoolId: string, username: string): string | undefined;
  /** Replaces (or with `undefined` removes) the post-authentication trigger. */
  setPostAuthenticationTrigger(trigger: PostAuthenticationTrigger | undefined): void;
  /** Cognito waits 5 s per trigger attempt; tests shorten it. */
  setTriggerTimeoutMs(ms: number): void;
}

type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD';

interface UserRecord {
  readonly username: string;
  readonly sub: string;
  /** Includes `sub`; values as strings, as the API carries them. */
  readonly attributes: Map<string, string>;
  password: string;
  status: UserStatus;
  enabled: boolean;
  readonly createdAt: number;
  modifiedAt: number;
  confirmation?: { code: string; issuedAt: number };
}

interface AppClientRecord {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly readAttributes?: ReadonlySet<string>;
  readonly writeAttributes?: ReadonlySet<string>;
}

interface PoolRecord {
  readonly id: string;
  readonly name: string;
  readonly issuer: string;
  readonly signer: RsaTokenSigner;
  readonly customAttributes: ReadonlySet<string>;
  readonly readOnly: ReadonlySet<string>;
  readonly clients: Map<string, AppClientRecord>;
  readonly users: Map<string, UserRecord>;
}

interface AuthSession {
  readonly poolId: string;
  readonly username: string;
  readonly clientId: string;
  readonly expiresAt: number;
}

interface RefreshGrant {
  readonly poolId: string;
  readonly username: string;
  readonly clientId: string;
  readonly authTime: number;
  readonly originJti: string;
}

/** OIDC standard attributes Cognito user pools know without declaring them. */
const STANDARD_ATTRIBUTES = new Set([
  'sub', 'address', 'birthdate', 'email', 'email_verified', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name',
  'nickname', 'phone_number', 'phone_number_verified', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo',
]);
/** Cognito's per-attempt limit for a Lambda trigger; it retries a timed-out call, 3 attempts in all. */
const TRIGGER_TIMEOUT_MS = 5_000;
const TRIGGER_ATTEMPTS = 3;
/** Sign-up confirmation codes expire after 24 hours. */
const CODE_LIFETIME_MS = 24 * 3600_000;
/** Challenge sessions are valid for 3 minutes (default AuthSessionValidity). */
const SESSION_LIFETIME_MS = 3 * 60_000;
const JSON_11 = 'application/x-amz-json-1.1';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

// Error types and statuses from the Cognito user pools service model (httpError traits).
const notAuthorized = (message: string) => new AwsServiceError(403, 'NotAuthorizedException', message);
const userNotFound = (message = 'User does not exist.') => new AwsServiceError(404, 'UserNotFoundException', message);
const resourceNotFound = (message: string) => new AwsServiceError(404, 'ResourceNotFoundException', message);
const INCORRECT_CREDENTIALS = 'Incorrect username or password.';

/**
 * Cognito user pools over the JSON 1.1 protocol (`X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Op>`), so the unmodified
 * @aws-sdk/client-cognito-identity-provider works against it. Tokens are RS256 JWTs with the real
 * issuer form, one key per pool, served at `/<poolId>/.well-known/jwks.json`.
 */
export async function startCognitoIdp(opts: CognitoIdpOptions): Promise<CognitoIdpServer> {
  const now = opts.now ?? Date.now;
  const store = opts.store ?? new CredentialStore(now);
  const lifetime = opts.tokenLifetimeSeconds ?? 3600;
  const pools = new Map<string, PoolRecord>();
  const sessions = new Map<string, AuthSession>();
  const refreshGrants = new Map<string, RefreshGrant>();
  let trigger = opts.onPostAuthentication;
  let triggerTimeoutMs = TRIGGER_TIMEOUT_MS;

  // ---- lookups -----------------------------------------------------------------------------

  function pool(userPoolId: string): PoolRecord {
    const found = pools.get(userPoolId);
    if (!found) throw resourceNotFound(`User pool ${userPoolId} does not exist.`);
    return found;
  }

  function clientById(clientId: string): { pool: PoolRecord; client: AppClientRecord } {
    for (const p of pools.values()) {
      const client = p.clients.get(clientId);
      if (client) return { pool: p, client };
    }
    throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  }

  /** Admin APIs accept the username or the user's `sub` (AdminGetUser `Username` parameter). */
  function findUser(p: PoolRecord, username: string): UserRecord | undefined {
    const byName = p.users.get(username);
    if (byName) return byName;
    for (const user of p.users.values()) if (user.sub === username) return user;
    return undefined;
  }

  function existingUser(p: PoolRecord, username: string): UserRecord {
    const user = findUser(p, username);
    if (!user) throw userNotFound();
    return user;
  }

  // ---- attribute rules ---------------------------------------------------------------------

  function attributeName(p: { customAttributes: ReadonlySet<string> }, name: string): string {
    if (STANDARD_ATTRIBUTES.has(name) || name.startsWith('custom:')) return name;
    return p.customAttributes.has(`custom:${name}`) ? `custom:${name}` : name;
  }

  function isReadable(client: AppClientRecord, name: string): boolean {
    return name === 'sub' || client.readAttributes === undefined || client.readAttributes.has(name);
  }

  function isWritable(p: PoolRecord, client: AppClientRecord, name: string): boolean {
    if (p.readOnly.has(name) || name === 'sub') return false;
    return client.writeAttributes === undefined || client.writeAttributes.has(name);
  }

  /** Parses `[{ Name, Value }]`; every name must exist in the schema (AdminUpdateUserAttributes). */
  function attributeList(p: PoolRecord, input: Record<string, unknown>, field: string): Array<{ name: string; value: string }> {
    const raw = input[field];
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw invalidParameter(`Value at '${field}' must be a list of attributes`);
    return raw.map((item: unknown) => {
      if (!item || typeof item !== 'object') throw invalidParameter(`Value at '${field}' must be a list of attributes`);
      const { Name, Value } = item as { Name?: unknown; Value?: unknown };
      if (typeof Name !== 'string' || Name === '') throw invalidParameter(`1 validation error detected: Value null at '${field}.member.name' failed to satisfy constraint: Member must not be null`);
      if (Value !== undefined && Value !== null && typeof Value !== 'string') throw invalidParameter(`Value of attribute ${Name} must be a string`);
      if (Name === 'sub') throw invalidParameter('Cannot modify the non-mutable attribute sub');
      if (!STANDARD_ATTRIBUTES.has(Name) && !p.customAttributes.has(Name)) {
        throw invalidParameter(`Attribute does not exist in the schema. (${Name})`);
      }
      if (typeof Value === 'string' && Value.length > 2048) throw invalidParameter(`Invalid user attributes: ${Name}: Attribute value must be at most 2048 characters.`);
      return { name: Name, value: typeof Value === 'string' ? Value : '' };
    });
  }

  /** Writes by an app client (SignUp, UpdateUserAttributes): read-only attributes are refused as Cognito refuses them. */
  function assertClientMayWrite(p: PoolRecord, client: AppClientRecord, attributes: ReadonlyArray<{ name: string }>): void {
    for (const { name } of attributes) {
      if (!isWritable(p, client, name)) throw notAuthorized('A client attempted to write unauthorized attribute');
    }
  }

  function applyAttributes(user: UserRecord, attributes: ReadonlyArray<{ name: string; value: string }>): void {
    for (const { name, value } of attributes) {
      // An empty value deletes the attribute (AdminUpdateUserAttributes semantics).
      if (value === '') user.attributes.delete(name);
      else user.attributes.set(name, value);
    }
    user.modifiedAt = now();
  }

  function attributeOutput(user: UserRecord, filter?: (name: string) => boolean): Array<{ Name: string; Value: string }> {
    return [...user.attributes].filter(([name]) => !filter || filter(name)).map(([Name, Value]) => ({ Name, Value }));
  }

  function userOutput(user: UserRecord) {
    return {
      Username: user.username,
      Attributes: attributeOutput(user),
      UserCreateDate: epochSeconds(user.createdAt),
      UserLastModifiedDate: epochSeconds(user.modifiedAt),
      Enabled: user.enabled,
      UserStatus: user.status,
    };
  }

  // ---- credentials checks ------------------------------------------------------------------

  /**
   * SECRET_HASH = Base64(HMAC_SHA256(key = client secret, message = username + client id))
   * ("Computing secret hash values", Cognito developer guide).
   */
  function checkSecretHash(client: AppClientRecord, usernames: readonly string[], secretHash: string | undefined): void {
    if (client.clientSecret === undefined) return;
    if (secretHash === undefined) throw notAuthorized(`Client ${client.clientId} is configured with secret but SECRET_HASH was not received`);
    const given = Buffer.from(secretHash);
    const matches = usernames.some((username) => {
      const expected = Buffer.from(createHmac('sha256', client.clientSecret ?? '').update(username + client.clientId).digest('base64'));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!matches) throw notAuthorized(`Unable to verify secret hash for client ${client.clientId}`);
  }

  /** The default password policy: at least 8 characters with upper case, lower case and digits. */
  function checkPasswordPolicy(password: string): void {
    const problem =
      password.length < 8 ? 'Password not long enough'
      : !/[A-Z]/.test(password) ? 'Password must have uppercase characters'
      : !/[a-z]/.test(password) ? 'Password must have lowercase characters'
      : !/[0-9]/.test(password) ? 'Password must have numeric characters'
      : undefined;
    if (problem) throw new AwsServiceError(400, 'InvalidPasswordException', `Password did not conform with policy: ${problem}`);
  }

  function passwordMatches(user: UserRecord, password: string): boolean {
    const a = Buffer.from(user.password);
    const b = Buffer.from(password);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** IAM-authorized operations: the request must carry a valid SigV4 signature of the backend. */
  function requireBackend(req: IncomingMessage, body: Buffer, operation: string, resource: string): void {
    const caller = verifySignedRequest({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, store, { service: SIGNING_NAMES.cognitoIdp, now });
    if (caller.principal.kind !== 'backend') {
      // Identity-pool roles grant IoT access only; IAM would deny them the user pool admin API.
      throw new AwsServiceError(
        403,
        'AccessDeniedException',
        `User: arn:aws:sts::000000000000:assumed-role/${caller.principal.roleArn.split('/').pop() ?? 'role'}/CognitoIdentityCredentials is not authorized to perform: cognito-idp:${operation} on resource: ${resource}`,
      );
    }
  }

  function poolArn(p: PoolRecord): string {
    return `arn:aws:cognito-idp:${SANDBOX_REGION}:000000000000:userpool/${p.id}`;
  }

  async function accessTokenUser(accessToken: string): Promise<{ pool: PoolRecord; client: AppClientRecord; user: UserRecord }> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(accessToken).iss;
    } catch {
      throw notAuthorized('Invalid Access Token');
    }
    const p = [...pools.values()].find((candidate) => candidate.issuer === issuer);
    if (!p) throw notAuthorized('Invalid Access Token');
    let claims;
    try {
      claims = await p.signer.verify(accessToken, { issuer: p.issuer });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw notAuthorized('Access Token has expired');
      throw notAuthorized('Invalid Access Token');
    }
    if (claims['token_use'] !== 'access' || typeof claims['username'] !== 'string' || typeof claims['client_id'] !== 'string') {
      throw notAuthorized('Invalid Access Token');
    }
    const client = p.clients.get(claims['client_id']);
    const user = p.users.get(claims['username']);
    if (!client) throw notAuthorized('Invalid Access Token');
    if (!user || user.sub !== claims.sub) throw userNotFound();
    return { pool: p, client, user };
  }

  // ---- sign-in -----------------------------------------------------------------------------

  function awsSdkVersion(req: IncomingMessage): string {
    const ua = req.headers['x-amz-user-agent'] ?? req.headers['user-agent'];
    const match = /aws-sdk-(\w+)\/([\d.]+)/.exec(Array.isArray(ua) ? ua.join(' ') : (ua ?? ''));
    return match ? `aws-sdk-${match[1]}-${match[2]}` : 'aws-sdk-unknown-unknown';
  }

  /**
   * Invokes the post-authentication trigger with the event Cognito sends. A thrown error fails the
   * sign-in (UserLambdaValidationException); a call that outlasts the 5 s limit is retried, and
   * after 3 attempts the sign-in fails the same way.
   */
  async function runPostAuthentication(p: PoolRecord, user: UserRecord, clientId: string, sdkVersion: string, clientMetadata?: Record<string, string>) {
    const fn = trigger;
    if (!fn) return;
    const userAttributes: Record<string, string> = { ...Object.fromEntries(user.attributes), 'cognito:user_status': user.status };
    const event: PostAuthenticationTriggerEvent = {
      version: '1',
      region: SANDBOX_REGION,
      userPoolId: p.id,
      userName: user.username,
      callerContext: { awsSdkVersion: sdkVersion, clientId },
      triggerSource: 'PostAuthentication_Authentication',
      request: { userAttributes, newDeviceUsed: false, ...(clientMetadata ? { clientMetadata } : {}) },
      response: {},
    };
    for (let attempt = 1; ; attempt++) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<{ kind: 'timeout' }>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'timeout' }), triggerTimeoutMs);
      });
      // Settles either way, so a call that fails after its attempt timed out is not an unhandled rejection.
      const invocation = Promise.resolve()
        .then(() => fn(structuredClone(event)))
        .then(
          () => ({ kind: 'ok' as const }),
          (error: unknown) => ({ kind: 'error' as const, error }),
        );
      const outcome = await Promise.race([invocation, timedOut]).finally(() => clearTimeout(timer));
      if (outcome.kind === 'ok') return;
      if (outcome.kind === 'error') {
        const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        throw new AwsServiceError(400, 'UserLambdaValidationException', `PostAuthentication failed with error ${message}.`);
      }
      if (attempt >= TRIGGER_ATTEMPTS) {
        throw new AwsServiceError(400, 'UserLambdaValidationException', `PostAuthentication failed with error Task timed out after ${(triggerTimeoutMs / 1000).toFixed(2)} seconds.`);
      }
    }
  }

  async function authenticationResult(p: PoolRecord, client: AppClientRecord, user: UserRecord, grant?: RefreshGrant) {
    const issuedAt = now();
    const authTime = grant?.authTime ?? Math.floor(issuedAt / 1000);
    const originJti = grant?.originJti ?? randomUUID();
    const readable = new Map([...user.attributes].filter(([name]) => isReadable(client, name)));
    const tokens = await issueUserPoolTokens(p.signer, {
      issuer: p.issuer,
      clientId: client.clientId,
      subject: { username: user.username, sub: user.sub, attributes: readable },
      authTime,
      issuedAt,
      lifetimeSeconds: lifetime,
      originJti,
    });
    const result: Record<string, unknown> = { AccessToken: tokens.accessToken, ExpiresIn: lifetime, TokenType: 'Bearer', IdToken: tokens.idToken };
    if (!grant) {
      const refreshToken = randomBytes(96).toString('base64url');
      refreshGrants.set(refreshToken, { poolId: p.id, username: user.username, clientId: client.clientId, authTime, originJti });
      result['RefreshToken'] = refreshToken;
    }
    return { AuthenticationResult: result, ChallengeParameters: {} };
  }

  async function passwordAuth(
    p: PoolRecord,
    client: AppClientRecord,
    params: Record<string, string>,
    req: IncomingMessage,
    clientMetadata: Record<string, string> | undefined,
  ) {
    const username = params['USERNAME'];
    const password = params['PASSWORD'];
    if (!username) throw invalidParameter('Missing required parameter USERNAME');
    if (!password) throw invalidParameter('Missing required parameter PASSWORD');
    checkSecretHash(client, [username], params['SECRET_HASH']);
    const user = findUser(p, username);
    // PreventUserExistenceErrors (the default for new app clients): unknown users look like wrong passwords.
    if (!user || !passwordMatches(user, password)) throw notAuthorized(INCORRECT_CREDENTIALS);
    if (!user.enabled) throw notAuthorized('User is disabled.');
    if (user.status === 'UNCONFIRMED') throw new AwsServiceError(400, 'UserNotConfirmedException', 'User is not confirmed.');
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      const session = randomBytes(96).toString('base64url');
      sessions.set(session, { poolId: p.id, username: user.username, clientId: client.clientId, expiresAt: now() + SESSION_LIFETIME_MS });
      const visible = Object.fromEntries([...user.attributes].filter(([name]) => name !== 'sub' && name !== 'email_verified' && name !== 'phone_number_verified'));
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session,
        ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: JSON.stringify(visible) },
      };
    }
    await runPostAuthentication(p, user, client.clientId, awsSdkVersion(req), clientMetadata);
    return authenticationResult(p, client, user);
  }

  async function refreshAuth(p: PoolRecord, client: AppClientRecord, params: Record<string, string>) {
    const token = params['REFRESH_TOKEN'];
    if (!token) throw invalidParameter('Missing required parameter REFRESH_TOKEN');
    const grant = refreshGrants.get(token);
    if (!grant || grant.poolId !== p.id || grant.clientId !== client.clientId) throw notAuthorized('Invalid Refresh Token');
    const user = p.users.get(grant.username);
    if (!user) throw notAuthorized('Refresh Token has been revoked');
    checkSecretHash(client, [user.username, user.sub], params['SECRET_HASH']);
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return authenticationResult(p, client, user, grant);
  }

  async function initiateAuth(p: PoolRecord, client: AppClientRecord, input: Record<string, unknown>, req: IncomingMessage, admin: boolean) {
    const flow = requireString(input, 'AuthFlow');
    const params = stringMap(input, 'AuthParameters') ?? {};
    const metadata = stringMap(input, 'ClientMetadata');
    if (flow === (admin ? 'ADMIN_USER_PASSWORD_AUTH' : 'USER_PASSWORD_AUTH') || (admin && flow === 'ADMIN_NO_SRP_AUTH')) {
      return passwordAuth(p, client, params, req, metadata);
    }
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') return refreshAuth(p, client, params);
    throw invalidParameter(`${flow} flow is not supported by the sandbox (use ${admin ? 'ADMIN_USER_PASSWORD_AUTH' : 'USER_PASSWORD_AUTH'} or REFRESH_TOKEN_AUTH)`);
  }

  // ---- operations --------------------------------------------------------------------------

  const operations: Record<string, JsonOperation> = {
    SignUp: (input) => {
      const { pool: p, client } = clientById(requireString(input, 'ClientId'));
      const username = requireString(input, 'Username');
      const password = requireString(input, 'Password');
      checkSecretHash(client, [username], optionalString(input, 'SecretHash'));
      const attributes = attributeList(p, input, 'UserAttributes');
      assertClientMayWrite(p, client, attributes);
      if (findUser(p, username)) throw new AwsServiceError(400, 'UsernameExistsException', 'User already exists');
      checkPasswordPolicy(password);
      const user = newUser(username, password, 'UNCONFIRMED', attributes);
      user.confirmation = { code: String(randomInt(0, 1_000_000)).padStart(6, '0'), issuedAt: now() };
      p.users.set(username, user);
      const email = user.attributes.get('email');
      return {
        UserConfirmed: false,
        UserSub: user.sub,
        ...(email ? { CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' } } : {}),
      };
    },

    ConfirmSignUp: (input) => {
      const { pool: p, client } = clientById(requireString(input, 'ClientId'));
      const username = requireString(input, 'Username');
      const code = requireString(input, 'ConfirmationCode');
      checkSecretHash(client, [username], optionalString(input, 'SecretHash'));
      const user = findUser(p, username);
      if (!user) throw userNotFound('Username/client id combination not found.');
      if (user.status !== 'UNCONFIRMED' || !user.confirmation) throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
      if (user.confirmation.code !== code) throw new AwsServiceError(400, 'CodeMismatchException', 'Invalid verification code provided, please try again.');
      if (now() - user.confirmation.issuedAt > CODE_LIFETIME_MS) throw new AwsServiceError(400, 'ExpiredCodeException', 'Invalid code provided, please request a code again.');
      confirm(user);
      return {};
    },

    AdminConfirmSignUp: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminConfirmSignUp', poolArn(p));
      const user = existingUser(p, requireString(input, 'Username'));
      if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
      confirm(user);
      return {};
    },

    AdminCreateUser: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminCreateUser', poolArn(p));
      const username = requireString(input, 'Username');
      const action = optionalString(input, 'MessageAction');
      if (action !== undefined && action !== 'SUPPRESS' && action !== 'RESEND') throw invalidParameter(`Invalid MessageAction ${action}`);
      const attributes = attributeList(p, input, 'UserAttributes');
      const existing = findUser(p, username);
      if (action === 'RESEND') {
        if (!existing) throw userNotFound();
        return { User: userOutput(existing) };
      }
      if (existing) throw new AwsServiceError(400, 'UsernameExistsException', 'User account already exists');
      const temporary = optionalString(input, 'TemporaryPassword') ?? `Tmp${randomString(ALNUM, 9)}1a`;
      checkPasswordPolicy(temporary);
      const user = newUser(username, temporary, 'FORCE_CHANGE_PASSWORD', attributes);
      p.users.set(username, user);
      return { User: userOutput(user) };
    },

    AdminSetUserPassword: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminSetUserPassword', poolArn(p));
      const user = existingUser(p, requireString(input, 'Username'));
      const password = requireString(input, 'Password');
      checkPasswordPolicy(password);
      user.password = password;
      user.status = optionalBoolean(input, 'Permanent') ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
      delete user.confirmation;
      user.modifiedAt = now();
      return {};
    },

    AdminDeleteUser: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminDeleteUser', poolArn(p));
      const user = existingUser(p, requireString(input, 'Username'));
      p.users.delete(user.username);
      for (const [token, grant] of refreshGrants) if (grant.poolId === p.id && grant.username === user.username) refreshGrants.delete(token);
      return {};
    },

    AdminDisableUser: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminDisableUser', poolArn(p));
      const user = existingUser(p, requireString(input, 'Username'));
      user.enabled = false;
      user.modifiedAt = now();
      return {};
    },

    AdminEnableUser: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminEnableUser', poolArn(p));
      const user = existingUser(p, requireString(input, 'Username'));
      user.enabled = true;
      user.modifiedAt = now();
      return {};
    },

    AdminGetUser: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminGetUser', poolArn(p));
      const user = existingUser(p, requireString(input, 'Username'));
      const { Attributes, ...rest } = userOutput(user);
      return { ...rest, UserAttributes: Attributes };
    },

    AdminUpdateUserAttributes: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminUpdateUserAttributes', poolArn(p));
      const user = existingUser(p, requireString(input, 'Username'));
      // Backend writes bypass app-client write permissions, so read-only custom attributes are writable here.
      const attributes = attributeList(p, input, 'UserAttributes');
      const emailChanged = attributes.some((a) => a.name === 'email' && a.value !== user.attributes.get('email'));
      applyAttributes(user, attributes);
      // A new email is unverified unless the same call sets email_verified.
      if (emailChanged && !attributes.some((a) => a.name === 'email_verified')) user.attributes.set('email_verified', 'false');
      return {};
    },

    ListUsers: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'ListUsers', poolArn(p));
      const limit = optionalNumber(input, 'Limit') ?? 60;
      if (!Number.isInteger(limit) || limit < 0 || limit > 60) throw invalidParameter('Limit must be between 0 and 60');
      const start = Number(optionalString(input, 'PaginationToken') ?? '0');
      if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid pagination token');
      const matches = [...p.users.values()].filter(listFilter(optionalString(input, 'Filter')));
      const page = matches.slice(start, start + limit);
      const next = start + limit < matches.length ? String(start + limit) : undefined;
      return { Users: page.map(userOutput), ...(next ? { PaginationToken: next } : {}) };
    },

    InitiateAuth: (input, { req }) => {
      const { pool: p, client } = clientById(requireString(input, 'ClientId'));
      return initiateAuth(p, client, input, req, false);
    },

    AdminInitiateAuth: (input, { req, body }) => {
      const p = pool(requireString(input, 'UserPoolId'));
      requireBackend(req, body, 'AdminInitiateAuth', poolArn(p));
      const clientId = requireString(input, 'ClientId');
      const client = p.clients.get(clientId);
      if (!client) throw resourceNotFound(`User pool client ${clientId} does not exist.`);
      return initiateAuth(p, client, input, req, true);
    },

    RespondToAuthChallenge: async (input, { req }) => {
      const { pool: p, client } = clientById(requireString(input, 'ClientId'));
      const challenge = requireString(input, 'ChallengeName');
      const responses = stringMap(input, 'ChallengeResponses') ?? {};
      const sessionId = optionalString(input, 'Session');
      const session = sessionId === undefined ? undefined : sessions.get(sessionId);
      if (challenge !== 'NEW_PASSWORD_REQUIRED') throw invalidParameter(`Challenge ${challenge} is not supported by the sandbox`);
      if (!session || !sessionId || session.expiresAt < now() || session.clientId !== client.clientId || session.poolId !== p.id) {
        throw notAuthorized('Invalid session for the user, session is expired.');
      }
      const username = responses['USERNAME'];
      if (!username) throw invalidParameter('Missing required parameter USERNAME');
      checkSecretHash(client, [username], responses['SECRET_HASH']);
      const user = findUser(p, username);
      if (!user || user.username !== session.username) throw notAuthorized('Invalid session for the user.');
      const newPassword = responses['NEW_PASSWORD'];
      if (!newPassword) throw invalidParameter('Missing required parameter NEW_PASSWORD');
      checkPasswordPolicy(newPassword);
      const attributes = Object.entries(responses)
        .filter(([key]) => key.startsWith('userAttributes.'))
        .map(([key, value]) => ({ Name: key.slice('userAttributes.'.length), Value: value }));
      const parsed = attributeList(p, { UserAttributes: attributes }, 'UserAttributes');
      assertClientMayWrite(p, client, parsed);
      sessions.delete(sessionId);
      user.password = newPassword;
      user.status = 'CONFIRMED';
      applyAttributes(user, parsed);
      await runPostAuthentication(p, user, client.clientId, awsSdkVersion(req), stringMap(input, 'ClientMetadata'));
      return authenticationResult(p, client, user);
    },

    GetUser: async (input) => {
      const { client, user } = await accessTokenUser(requireString(input, 'AccessToken'));
      return { Username: user.username, UserAttributes: attributeOutput(user, (name) => isReadable(client, name)) };
    },

    UpdateUserAttributes: async (input) => {
      const { pool: p, client, user } = await accessTokenUser(requireString(input, 'AccessToken'));
      const attributes = attributeList(p, input, 'UserAttributes');
      assertClientMayWrite(p, client, attributes);
      const emailChange = attributes.find((a) => a.name === 'email' && a.value !== user.attributes.get('email'));
      applyAttributes(user, attributes);
      if (emailChange) {
        // A changed email is unverified until the user confirms the code sent to it.
        user.attributes.set('email_verified', 'false');
        return { CodeDeliveryDetailsList: [{ Destination: maskEmail(emailChange.value), DeliveryMedium: 'EMAIL', AttributeName: 'email' }] };
      }
      return { CodeDeliveryDetailsList: [] };
    },
  };

  function newUser(username: string, password: string, status: UserStatus, attributes: ReadonlyArray<{ name: string; value: string }>): UserRecord {
    const t = now();
    const user: UserRecord = { username, sub: randomUUID(), attributes: new Map(), password, status, enabled: true, createdAt: t, modifiedAt: t };
    user.attributes.set('sub', user.sub);
    applyAttributes(user, attributes);
    return user;
  }

  function confirm(user: UserRecord): void {
    user.status = 'CONFIRMED';
    delete user.confirmation;
    // The code went to the email address, which confirms it (auto-verified email).
    if (user.attributes.has('email') && !user.attributes.has('email_verified')) user.attributes.set('email_verified', 'true');
    user.modifiedAt = now();
  }

  /** ListUsers filters: `attribute = "value"` or `attribute ^= "prefix"` on the searchable attributes. */
  function listFilter(filter: string | undefined): (user: UserRecord) => boolean {
    if (filter === undefined || filter.trim() === '') return () => true;
    const m = /^\s*"?([\w:]+)"?\s*(\^?=)\s*"([^"]*)"\s*$/.exec(filter);
    const searchable = ['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub'];
    if (!m || !m[1] || !searchable.includes(m[1])) throw invalidParameter(`Invalid search filter: ${filter}`);
    const [, attribute, operator, value = ''] = m;
    const read = (user: UserRecord): string | undefined =>
      attribute === 'username' ? user.username
      : attribute === 'cognito:user_status' ? user.status
      : attribute === 'status' ? (user.enabled ? 'Enabled' : 'Disabled')
      : user.attributes.get(attribute ?? '');
    return (user) => {
      const actual = read(user);
      return actual !== undefined && (operator === '=' ? actual === value : actual.startsWith(value));
    };
  }

  // ---- discovery endpoints -----------------------------------------------------------------

  let baseUrl = '';
  const server = await startHttpServer(
    jsonTargetHandler({
      targetPrefix: 'AWSCognitoIdentityProviderService',
      faultPrefix: 'cognito-idp',
      faults: opts.faults,
      operations,
      // i12: the operations that call requireBackend; their signature is checked before fault rules.
      iam: { operations: new Set(Object.keys(operations).filter((name) => name.startsWith('Admin') || name === 'ListUsers')), store, signingNames: SIGNING_NAMES.cognitoIdp, now },
      contentType: JSON_11,
      other: (req, _body, res) => {
        if (req.method !== 'GET') return false;
        const m = /^\/([\w-]+_[A-Za-z0-9]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec((req.url ?? '').split('?')[0] ?? '');
        const p = m?.[1] ? pools.get(m[1]) : undefined;
        if (!m || !p) {
          sendJson(res, 404, { message: 'Not Found' });
          return true;
        }
        if (m[2] === 'jwks.json') sendJson(res, 200, p.signer.jwks());
        else sendJson(res, 200, openIdConfiguration(p));
        return true;
      },
    }),
    opts.port ?? 0,
  );
  baseUrl = server.url;

  function openIdConfiguration(p: PoolRecord) {
    return {
      issuer: p.issuer,
      jwks_uri: `${baseUrl}/${p.id}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'token'],
      subject_types_supported: ['public'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'token_use', 'cognito:username', 'email', 'email_verified'],
    };
  }

  return {
    url: server.url,
    close: () => server.close(),

    createUserPool(poolOpts) {
      const id = `${SANDBOX_REGION}_${randomString(ALNUM, 9)}`;
      const customAttributes = new Set(poolOpts.customAttributes.map((name) => (name.startsWith('custom:') ? name : `custom:${name}`)));
      const readOnly = new Set((poolOpts.readOnlyAttributes ?? []).map((name) => attributeName({ customAttributes }, name)));
      const issuer = `https://cognito-idp.${SANDBOX_REGION}.amazonaws.com/${id}`;
      pools.set(id, {
        id,
        name: poolOpts.name ?? id,
        issuer,
        signer: new RsaTokenSigner(now),
        customAttributes,
        readOnly,
        clients: new Map(),
        users: new Map(),
      });
      return { userPoolId: id, issuer, jwksUri: `${server.url}/${id}/.well-known/jwks.json` };
    },

    createAppClient(userPoolId, clientOpts) {
      const p = pool(userPoolId);
      const clientId = randomString(LOWER_ALNUM, 26);
      const clientSecret = clientOpts.generateSecret ? randomString(LOWER_ALNUM, 51) : undefined;
      const names = (list: readonly string[] | undefined) => (list === undefined ? undefined : new Set(list.map((name) => attributeName(p, name))));
      const readAttributes = names(clientOpts.readAttributes);
      const writeAttributes = names(clientOpts.writeAttributes);
      p.clients.set(clientId, {
        clientId,
        ...(clientSecret === undefined ? {} : { clientSecret }),
        ...(readAttributes === undefined ? {} : { readAttributes }),
        ...(writeAttributes === undefined ? {} : { writeAttributes }),
      });
      return clientSecret === undefined ? { clientId } : { clientId, clientSecret };
    },

    jwks: (userPoolId) => pool(userPoolId).signer.jwks(),

    confirmationCode(userPoolId, username) {
      const p = pools.get(userPoolId);
      return p ? findUser(p, username)?.confirmation?.code : undefined;
    },

    setPostAuthenticationTrigger(fn) {
      trigger = fn;
    },

    setTriggerTimeoutMs(ms) {
      triggerTimeoutMs = ms;
    },
  };
}

/** Cognito masks delivery destinations: `j***@e***`. */
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.charAt(0)}***@${domain.charAt(0)}***`;
}

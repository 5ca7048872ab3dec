import { randomInt, randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import type { RsaTokenSigner } from '../../wire/token-signer';
import { epochSeconds } from '../../wire/json-target';
import { resourceNotFound, userNotFound } from './errors';
import type { PoolSettings } from './pool-settings';
import type { SchemaAttributeRecord } from './schema-attributes';
import type { CreateOnlySettings } from './settings-schema';

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD';

export interface UserRecord {
  readonly username: string;
  readonly sub: string;
  /** Includes `sub`; values as strings, as the API carries them. */
  readonly attributes: Map<string, string>;
  password: string;
  status: UserStatus;
  enabled: boolean;
  readonly createdAt: number;
  modifiedAt: number;
  confirmation?: { code: string; issuedAt: number; delivery: CodeDelivery };
}

export interface AppClientRecord {
  readonly clientId: string;
  readonly clientName: string;
  readonly clientSecret?: string;
  readonly createdAt: number;
  readonly readAttributes?: ReadonlySet<string>;
  readonly writeAttributes?: ReadonlySet<string>;
  /** `ExplicitAuthFlows` (`ALLOW_USER_SRP_AUTH`…): the flows InitiateAuth accepts from this client. */
  readonly explicitAuthFlows: ReadonlySet<string>;
}

export interface PoolRecord {
  readonly id: string;
  readonly issuer: string;
  readonly signer: RsaTokenSigner;
  /** The full names (`custom:x`) of the schema's custom attributes; AddCustomAttributes adds to them. */
  readonly customAttributes: Set<string>;
  readonly readOnly: ReadonlySet<string>;
  readonly clients: Map<string, AppClientRecord>;
  readonly users: Map<string, UserRecord>;
  /** Every updatable setting (UpdateUserPool replaces them all); `LambdaConfig` decides which triggers run. */
  settings: PoolSettings;
  /** What only CreateUserPool sets (sign-in aliases, username attributes, case sensitivity). */
  readonly createOnly: CreateOnlySettings;
  /** Standard attributes, then custom ones in the order they were added. */
  schema: SchemaAttributeRecord[];
  readonly createdAt: number;
  modifiedAt: number;
}

/** A confirmation code as Cognito would email or text it. */
export interface SentCode {
  readonly userPoolId: string;
  readonly username: string;
  readonly medium: CodeDelivery['medium'];
  /** The address or number (unmasked: it is the sandbox's own outbox). */
  readonly to: string;
  readonly code: string;
}

/** Where a sign-up confirmation code went: the attribute it verifies once confirmed. */
export type CodeDelivery = { readonly medium: 'EMAIL'; readonly attribute: 'email' } | { readonly medium: 'SMS'; readonly attribute: 'phone_number' };

export interface AuthSession {
  readonly poolId: string;
  readonly username: string;
  readonly clientId: string;
  readonly expiresAt: number;
}

/** A USER_SRP_AUTH sign-in between InitiateAuth and its PASSWORD_VERIFIER answer (srp-flow.ts). */
export interface SrpChallenge {
  readonly poolId: string;
  readonly clientId: string;
  /** The user's username, or undefined when no such user exists (the answer then fails as a wrong password). */
  readonly username: string | undefined;
  readonly userIdForSrp: string;
  readonly session: string;
  readonly verifier: bigint;
  readonly b: bigint;
  readonly A: bigint;
  readonly B: bigint;
  readonly expiresAt: number;
  used: boolean;
}

/** A user's SRP salt and verifier, derived from the password the sandbox keeps (recomputed when it changes). */
export interface SrpVerifier {
  readonly password: string;
  readonly saltHex: string;
  readonly verifier: bigint;
}

export interface RefreshGrant {
  readonly poolId: string;
  readonly username: string;
  readonly sub: string;
  readonly clientId: string;
  readonly authTime: number;
  readonly originJti: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export function randomString(alphabet: 'alnum' | 'lower', length: number): string {
  const chars = alphabet === 'alnum' ? ALNUM : LOWER_ALNUM;
  let out = '';
  for (let i = 0; i < length; i++) out += chars.charAt(randomInt(chars.length));
  return out;
}

export function poolArn(p: PoolRecord): string {
  return `arn:aws:cognito-idp:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:userpool/${p.id}`;
}

/**
 * Everything a running user-pool service holds: pools (with their clients and users), open
 * challenge sessions, refresh grants, and the token families revoked by DeleteUser.
 */
export class IdpState {
  readonly pools = new Map<string, PoolRecord>();
  readonly sessions = new Map<string, AuthSession>();
  /** Open SRP challenges by SECRET_BLOCK; a used one stays until it expires, so a replay is told apart. */
  readonly srpChallenges = new Map<string, SrpChallenge>();
  readonly srpVerifiers = new WeakMap<UserRecord, SrpVerifier>();
  readonly refreshGrants = new Map<string, RefreshGrant>();
  /** `jti`s of the access tokens issued per user `sub`, so disabling or deleting the user can revoke them. */
  private readonly accessTokens = new Map<string, Set<string>>();
  /** Revoked access tokens (`jti`): AdminDisableUser "revokes all access tokens for the user", deletion ends all. */
  private readonly revokedAccessTokens = new Set<string>();
  /** Refresh tokens revoked by RevokeToken: a later use says so. */
  readonly revokedRefreshTokens = new Set<string>();
  /** Access token ids by the `origin_jti` of the sign-in (and refresh token) they came from. */
  private readonly accessTokensByOrigin = new Map<string, Set<string>>();

  /** Receives each code Cognito would send (the sandbox has no mail or SMS). */
  onMessage: ((message: SentCode) => void) | undefined;

  constructor(readonly now: () => number) {}

  pool(userPoolId: string): PoolRecord {
    const found = this.pools.get(userPoolId);
    if (!found) throw resourceNotFound(`User pool ${userPoolId} does not exist.`);
    return found;
  }

  clientById(clientId: string): { pool: PoolRecord; client: AppClientRecord } {
    for (const p of this.pools.values()) {
      const client = p.clients.get(clientId);
      if (client) return { pool: p, client };
    }
    throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  }

  /** Admin APIs accept the username or the user's `sub` (AdminGetUser `Username` parameter). */
  findUser(p: PoolRecord, username: string): UserRecord | undefined {
    const byName = p.users.get(username);
    if (byName) return byName;
    for (const user of p.users.values()) if (user.sub === username) return user;
    return undefined;
  }

  existingUser(p: PoolRecord, username: string): UserRecord {
    const user = this.findUser(p, username);
    if (!user) throw userNotFound();
    return user;
  }

  /** A new user always gets a new `sub`, also under a username that existed before. */
  newUser(username: string, password: string, status: UserStatus): UserRecord {
    const t = this.now();
    const user: UserRecord = { username, sub: randomUUID(), attributes: new Map(), password, status, enabled: true, createdAt: t, modifiedAt: t };
    user.attributes.set('sub', user.sub);
    return user;
  }

  recordAccessToken(sub: string, jti: string, originJti: string): void {
    const issued = this.accessTokens.get(sub) ?? new Set<string>();
    issued.add(jti);
    this.accessTokens.set(sub, issued);
    const family = this.accessTokensByOrigin.get(originJti) ?? new Set<string>();
    family.add(jti);
    this.accessTokensByOrigin.set(originJti, family);
  }

  /** RevokeToken: the refresh token and every access token issued with it (same `origin_jti`). */
  revokeRefreshToken(token: string, grant: RefreshGrant): void {
    this.refreshGrants.delete(token);
    this.revokedRefreshTokens.add(token);
    for (const jti of this.accessTokensByOrigin.get(grant.originJti) ?? []) this.revokedAccessTokens.add(jti);
    this.accessTokensByOrigin.delete(grant.originJti);
  }

  isRevoked(jti: string): boolean {
    return this.revokedAccessTokens.has(jti);
  }

  /** Revokes every access token issued to the user so far (later sign-ins get valid ones). */
  revokeAccessTokens(user: UserRecord): void {
    for (const jti of this.accessTokens.get(user.sub) ?? []) this.revokedAccessTokens.add(jti);
    this.accessTokens.delete(user.sub);
  }

  /** Removes the user and revokes their refresh and access tokens; the username is free again (with a new `sub`). */
  deleteUser(p: PoolRecord, user: UserRecord): void {
    p.users.delete(user.username);
    this.revokeAccessTokens(user);
    for (const [token, grant] of this.refreshGrants) {
      if (grant.poolId === p.id && grant.sub === user.sub) this.refreshGrants.delete(token);
    }
  }

  /** A new sign-up code (the previous one stops matching), handed to `onMessage` as Cognito would send it. */
  issueConfirmationCode(p: PoolRecord, user: UserRecord, delivery: CodeDelivery): void {
    user.confirmation = { code: String(randomInt(0, 1_000_000)).padStart(6, '0'), issuedAt: this.now(), delivery };
    const to = user.attributes.get(delivery.attribute) ?? '';
    this.onMessage?.({ userPoolId: p.id, username: user.username, medium: delivery.medium, to, code: user.confirmation.code });
  }

  /** Confirms the user; `verified` names the attribute the confirmation also verifies (the one the code went to). */
  confirm(user: UserRecord, verified?: CodeDelivery['attribute']): void {
    user.status = 'CONFIRMED';
    delete user.confirmation;
    if (verified && user.attributes.has(verified)) user.attributes.set(`${verified}_verified`, 'true');
    user.modifiedAt = this.now();
  }
}

export function attributeOutput(user: UserRecord, filter?: (name: string) => boolean): Array<{ Name: string; Value: string }> {
  return [...user.attributes].filter(([name]) => !filter || filter(name)).map(([Name, Value]) => ({ Name, Value }));
}

/** The `UserType` of ListUsers and AdminCreateUser; `attributesToGet` limits the attributes (ListUsers `AttributesToGet`). */
export function userOutput(user: UserRecord, attributesToGet?: readonly string[]) {
  return {
    Username: user.username,
    Attributes: attributeOutput(user, attributesToGet && ((name) => attributesToGet.includes(name))),
    UserCreateDate: epochSeconds(user.createdAt),
    UserLastModifiedDate: epochSeconds(user.modifiedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/** Cognito masks delivery destinations: `j***@e***`. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.charAt(0)}***@${domain.charAt(0)}***`;
}

/** The masked destination of a code: the email as maskEmail does, a phone number down to its last 4 digits. */
export function maskDestination(delivery: CodeDelivery, value: string): string {
  return delivery.medium === 'EMAIL' ? maskEmail(value) : `+${'*'.repeat(Math.max(value.length - 5, 0))}${value.slice(-4)}`;
}

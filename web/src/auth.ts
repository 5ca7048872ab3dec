import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession, type ICognitoStorage } from 'amazon-cognito-identity-js';
import type { WebConfig } from './config';
import { cognitoErrorName } from './auth-messages';

/** A signed-in user: the ID token is what the command API takes. */
export interface Session {
  readonly username: string;
  /** The ID token, refreshed first when it is within the refresh margin of its expiry. */
  idToken(): Promise<string>;
  /** Local clock minus Cognito's, in ms (from the tokens' `iat`): turns AWS expiry times into local ones. */
  clockSkewMs(): number;
  signOut(): void;
}

/** What happens when the tokens can no longer be refreshed (refresh token expired or revoked). */
export type OnSessionEnded = (reason: string) => void;

/**
 * Tokens kept in memory only (not localStorage): a reload signs the user out, and no script
 * reading storage finds a refresh token.
 */
class MemoryStorage implements ICognitoStorage {
  private readonly items = new Map<string, string>();
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
}

export function userPool(config: WebConfig): CognitoUserPool {
  return new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.clientId,
    Storage: new MemoryStorage(),
    ...(config.cognitoIdpEndpoint ? { endpoint: config.cognitoIdpEndpoint } : {}),
  });
}

/** SRP sign-in (USER_SRP_AUTH) with the public app client, as Amplify does it: the password never leaves the page. */
export function signIn(config: WebConfig, username: string, password: string, onEnded: OnSessionEnded): Promise<Session> {
  const user = new CognitoUser({ Username: username, Pool: userPool(config) });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session: CognitoUserSession) => resolve(new RefreshingSession(user, session, onEnded)),
      onFailure: reject,
      newPasswordRequired: () => reject(Object.assign(new Error('This account must set a new password first.'), { code: 'PasswordResetRequiredException' })),
      // Second factors and custom challenges are not handled by this app yet: say so rather than fail obscurely.
      ...Object.fromEntries(['mfaRequired', 'totpRequired', 'selectMFAType', 'mfaSetup', 'customChallenge'].map((step) => [step, () => reject(Object.assign(new Error(step), { code: 'UnsupportedChallenge' }))])),
    });
  });
}

/**
 * When to refresh: this long before the ID token expires (Cognito's ID tokens live 5 min to 1 day;
 * the product's default is 1 h), or halfway through a shorter lifetime.
 */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** Refreshes the tokens (REFRESH_TOKEN_AUTH) before the ID token expires, on a timer and on use. */
class RefreshingSession implements Session {
  readonly username: string;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAtMs = 0;
  private skewMs = 0;
  private ended = false;

  constructor(
    private readonly user: CognitoUser,
    private session: CognitoUserSession,
    private readonly onEnded: OnSessionEnded,
  ) {
    this.username = user.getUsername();
    this.adopt(session);
  }

  async idToken(): Promise<string> {
    if (this.ended) throw new Error('You are signed out.');
    if (Date.now() >= this.refreshAtMs) await this.refresh();
    return this.session.getIdToken().getJwtToken();
  }

  clockSkewMs(): number {
    return this.skewMs;
  }

  signOut(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    // With a callback the library revokes the refresh token (RevokeToken) and with it the access
    // tokens it issued, then forgets them; a failed revocation still forgets them.
    this.user.signOut(() => undefined);
  }

  /** Times the next refresh from the token's own lifetime (`exp - iat`), so a skewed local clock does not matter. */
  private adopt(session: CognitoUserSession): void {
    this.session = session;
    const id = session.getIdToken();
    const lifetimeMs = (id.getExpiration() - id.getIssuedAt()) * 1000;
    this.skewMs = Date.now() - id.getIssuedAt() * 1000;
    const inMs = Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2);
    this.refreshAtMs = Date.now() + inMs;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh().catch(() => undefined), inMs);
  }

  private refresh(): Promise<void> {
    if (this.ended) return Promise.reject(new Error('Signed out'));
    this.refreshing ??= new Promise<void>((resolve, reject) => {
      this.user.refreshSession(this.session.getRefreshToken(), (error: unknown, next: CognitoUserSession | null) => {
        this.refreshing = undefined;
        // Signed out while the refresh was in flight: its tokens are not kept.
        if (this.ended) return reject(new Error('You are signed out.'));
        if (error || !next) {
          const name = cognitoErrorName(error);
          // Only a refused refresh token ends the session; a network failure is retried on next use.
          if (name === 'NotAuthorizedException' || name === 'UserNotFoundException') {
            this.signOut();
            this.onEnded('Your session has ended. Sign in again.');
          }
          reject(error instanceof Error ? error : new Error(String(name ?? error)));
          return;
        }
        this.adopt(next);
        resolve();
      });
    });
    return this.refreshing;
  }
}

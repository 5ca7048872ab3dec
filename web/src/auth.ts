import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession, type ICognitoStorage } from 'amazon-cognito-identity-js';
import type { WebConfig } from './config';

/** A signed-in user: the ID token is what the command API takes. */
export interface Session {
  readonly username: string;
  idToken(): string;
  signOut(): void;
}

/** Why sign-in failed, in words for the user (Cognito's error names: InitiateAuth / RespondToAuthChallenge). */
export function signInFailureMessage(error: unknown): string {
  const name = (error as { code?: unknown; name?: unknown } | null)?.code ?? (error as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAuthorizedException':
      return 'Incorrect username or password.';
    case 'UserNotFoundException':
      return 'Incorrect username or password.';
    case 'UserNotConfirmedException':
      return 'This account is not confirmed yet. Confirm it with the code you were sent, then sign in.';
    case 'PasswordResetRequiredException':
      return 'Your password must be reset before you can sign in.';
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      return 'Too many attempts. Wait a minute and try again.';
    default:
      return `Sign-in failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

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

/** SRP sign-in (USER_SRP_AUTH) with the public app client, as Amplify does it: the password never leaves the page. */
export function signIn(config: WebConfig, username: string, password: string): Promise<Session> {
  const pool = new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.clientId,
    Storage: new MemoryStorage(),
    ...(config.cognitoIdpEndpoint ? { endpoint: config.cognitoIdpEndpoint } : {}),
  });
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      // Refreshing the tokens before they expire is the next slice.
      onSuccess: (session: CognitoUserSession) => resolve({ username, idToken: () => session.getIdToken().getJwtToken(), signOut: () => user.signOut() }),
      onFailure: reject,
      newPasswordRequired: () => reject(Object.assign(new Error('This account must set a new password first.'), { code: 'PasswordResetRequiredException' })),
    });
  });
}

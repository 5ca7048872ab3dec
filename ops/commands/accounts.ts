import { AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { errorName } from '../../functions/shared/aws/error-name';
import type { Clients, Targets } from '../context';
import { CliError, ExitCodes, type Output } from '../output';

export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly password: string;
}

/**
 * `users create`: a confirmed user with a permanent password and a verified email, as a person
 * would otherwise get by signing up and typing the emailed code. AdminCreateUser without the
 * invitation email (`MessageAction: SUPPRESS`), then AdminSetUserPassword `Permanent: true`, which
 * moves the user from FORCE_CHANGE_PASSWORD to CONFIRMED
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html).
 */
export async function createUserCommand(clients: Clients, targets: Targets, out: Output, user: NewUser): Promise<void> {
  try {
    await clients.cognitoIdp.send(
      new AdminCreateUserCommand({
        UserPoolId: targets.userPoolId,
        Username: user.username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await clients.cognitoIdp.send(new AdminSetUserPasswordCommand({ UserPoolId: targets.userPoolId, Username: user.username, Password: user.password, Permanent: true }));
  } catch (error) {
    throw accountError(error, user.username, targets);
  }
  out.result({ username: user.username, email: user.email, status: 'CONFIRMED' }, () => `Created ${user.username} (${user.email}), confirmed, with the password given. Sign in: npm run admin -- users sign-in --username ${user.username} --password '…'`);
}

/** What `users sign-in` prints: all tokens (table or --json), or one of them alone for `$(...)`. */
export const TOKEN_CHOICES = ['id-token', 'access-token', 'refresh-token'] as const;
export type TokenChoice = (typeof TOKEN_CHOICES)[number];

/**
 * `users sign-in`: signs in as the web app does (USER_SRP_AUTH with the public `WebAppClientId`
 * client, so no secret is needed) and prints the tokens. The endpoint follows the same variables
 * as the SDK clients (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`), which the sandbox sets.
 */
export async function signInCommand(targets: Targets, out: Output, input: { username: string; password: string; print?: TokenChoice }): Promise<void> {
  if (!targets.webAppClientId) throw new CliError('users sign-in needs the WebAppClientId stack output (the public app client): an adopted pool has none; sign in with your own app', ExitCodes.Failed);
  // The same endpoint the CLI's SDK clients use (ops/context.ts createClients): a variable, else the sandbox's own.
  const endpoint = process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? targets.sandbox?.endpoints.COGNITO_IDENTITY_PROVIDER ?? process.env.AWS_ENDPOINT_URL;
  const pool = new CognitoUserPool({ UserPoolId: targets.userPoolId, ClientId: targets.webAppClientId, ...(endpoint ? { endpoint } : {}) });
  const user = new CognitoUser({ Username: input.username, Pool: pool });
  const session = await new Promise<CognitoUserSession>((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: input.username, Password: input.password }), {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new CliError(`${input.username} must set a new password first (created without one): run users create again or AdminSetUserPassword`)),
    }),
  ).catch((error: unknown) => {
    throw accountError(error, input.username, targets);
  });
  const tokens = { idToken: session.getIdToken().getJwtToken(), accessToken: session.getAccessToken().getJwtToken(), refreshToken: session.getRefreshToken().getToken() };
  if (input.print) {
    process.stdout.write(`${input.print === 'id-token' ? tokens.idToken : input.print === 'access-token' ? tokens.accessToken : tokens.refreshToken}\n`);
    return;
  }
  out.result(tokens, () => `ID token (Authorization: Bearer … for the HTTP API):\n${tokens.idToken}\n\nAccess token:\n${tokens.accessToken}\n\nRefresh token:\n${tokens.refreshToken}`);
}

/** One line for Cognito's refusals, naming what to do. */
function accountError(error: unknown, username: string, targets: Targets): Error {
  if (error instanceof CliError) return error;
  const name = errorName(error) ?? (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'UsernameExistsException':
      return new CliError(`A user "${username}" already exists in ${targets.userPoolId}`);
    case 'InvalidPasswordException':
      return new CliError(`The password breaks the pool's policy: ${message.replace(/^Password did not conform with policy: /, '')}`, ExitCodes.Usage);
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
      return new CliError(`Incorrect username or password for "${username}"`);
    case 'UserNotConfirmedException':
      return new CliError(`"${username}" is not confirmed: confirm it with the emailed code, or create users with users create`);
    default:
      return new CliError(`${name ?? 'Error'}: ${message}`);
  }
}

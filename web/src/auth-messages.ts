/**
 * What the user reads when Cognito refuses a sign-in, sign-up or confirmation, by Cognito's error
 * name (API reference of InitiateAuth / RespondToAuthChallenge, SignUp, ConfirmSignUp,
 * ResendConfirmationCode: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html#API_SignUp_Errors).
 * A wrong password and an unknown user read the same, so the page does not tell who has an account.
 */

/** Cognito's error name as amazon-cognito-identity-js reports it (`code`, or `name`). */
export function cognitoErrorName(error: unknown): string | undefined {
  const e = error as { code?: unknown; name?: unknown } | null;
  const name = e?.code ?? e?.name;
  return typeof name === 'string' ? name : undefined;
}

const detail = (error: unknown) => (error instanceof Error ? error.message : String(error));

const SHARED: Readonly<Record<string, string>> = {
  TooManyRequestsException: 'Too many attempts. Wait a minute and try again.',
  LimitExceededException: 'Too many attempts. Wait a minute and try again.',
  TooManyFailedAttemptsException: 'Too many attempts. Wait a minute and try again.',
};

export function signInFailureMessage(error: unknown): string {
  switch (cognitoErrorName(error)) {
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
      return 'Incorrect username or password.';
    case 'UserNotConfirmedException':
      return 'This account is not confirmed yet. Confirm it with the code you were sent, then sign in.';
    case 'PasswordResetRequiredException':
      return 'Your password must be reset before you can sign in.';
    case 'UnsupportedChallenge':
      return 'This account signs in with a second factor (an authenticator app or a text message), which this app does not support yet. Ask the operator to turn it off for your account.';
    default:
      return SHARED[cognitoErrorName(error) ?? ''] ?? `Sign-in failed: ${detail(error)}`;
  }
}

export function signUpFailureMessage(error: unknown): string {
  switch (cognitoErrorName(error)) {
    case 'UsernameExistsException':
      return 'That username is taken. Choose another one, or sign in.';
    case 'InvalidPasswordException':
      // Cognito's message names the rule the password breaks (length, character classes).
      return `Choose another password: ${detail(error).replace(/^Password did not conform with policy: /, '')}`;
    case 'InvalidParameterException':
      return `Check the form: ${detail(error)}`;
    case 'NotAuthorizedException':
      return 'Sign-up is closed for this app. Ask its operator for an account.';
    case 'CodeDeliveryFailureException':
      return 'The confirmation code could not be sent. Check the email address and try again.';
    default:
      return SHARED[cognitoErrorName(error) ?? ''] ?? `Sign-up failed: ${detail(error)}`;
  }
}

export function confirmFailureMessage(error: unknown): string {
  switch (cognitoErrorName(error)) {
    case 'CodeMismatchException':
      return 'That code is not the one we sent. Check the email and type the 6 digits again.';
    case 'ExpiredCodeException':
      return 'That code has expired. Send a new code and use it.';
    case 'NotAuthorizedException':
      return 'This account is already confirmed. Sign in.';
    case 'UserNotFoundException':
      return 'There is no account waiting for confirmation under that username.';
    default:
      return SHARED[cognitoErrorName(error) ?? ''] ?? `Confirmation failed: ${detail(error)}`;
  }
}

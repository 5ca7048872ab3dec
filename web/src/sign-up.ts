import { CognitoUser, CognitoUserAttribute } from 'amazon-cognito-identity-js';
import { userPool } from './auth';
import type { WebConfig } from './config';

/** Where Cognito sent the confirmation code (`CodeDeliveryDetails`, destination masked). */
export interface CodeDelivery {
  readonly medium: string;
  readonly destination: string;
}

/** SignUp with the public client (no SECRET_HASH): the account waits for the emailed code. */
export function signUp(config: WebConfig, username: string, email: string, password: string): Promise<CodeDelivery | undefined> {
  return new Promise((resolve, reject) => {
    userPool(config).signUp(username, password, [new CognitoUserAttribute({ Name: 'email', Value: email })], [], (error, result) => {
      if (error || !result) return reject(error ?? new Error('SignUp gave no answer'));
      const d = result.codeDeliveryDetails as { DeliveryMedium?: string; Destination?: string } | undefined;
      resolve(result.userConfirmed || !d ? undefined : { medium: d.DeliveryMedium ?? 'EMAIL', destination: d.Destination ?? '' });
    });
  });
}

/** ConfirmSignUp with the code Cognito sent. */
export function confirmSignUp(config: WebConfig, username: string, code: string): Promise<void> {
  const user = new CognitoUser({ Username: username, Pool: userPool(config) });
  return new Promise((resolve, reject) => user.confirmRegistration(code, false, (error: unknown) => (error ? reject(error) : resolve())));
}

/** ResendConfirmationCode: a new code; the previous one stops working. */
export function resendCode(config: WebConfig, username: string): Promise<CodeDelivery | undefined> {
  const user = new CognitoUser({ Username: username, Pool: userPool(config) });
  return new Promise((resolve, reject) =>
    user.resendConfirmationCode((error, result: { CodeDeliveryDetails?: { DeliveryMedium?: string; Destination?: string } } | undefined) => {
      if (error) return reject(error);
      const d = result?.CodeDeliveryDetails;
      resolve(d ? { medium: d.DeliveryMedium ?? 'EMAIL', destination: d.Destination ?? '' } : undefined);
    }),
  );
}

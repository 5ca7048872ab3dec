import { AwsServiceError } from '../../wire/http';

// Error types and statuses from the Cognito user pools service model (httpError traits).
export const notAuthorized = (message: string) => new AwsServiceError(403, 'NotAuthorizedException', message);
export const userNotFound = (message = 'User does not exist.') => new AwsServiceError(404, 'UserNotFoundException', message);
export const resourceNotFound = (message: string) => new AwsServiceError(404, 'ResourceNotFoundException', message);
export const usernameExists = (message: string) => new AwsServiceError(400, 'UsernameExistsException', message);
export const INCORRECT_CREDENTIALS = 'Incorrect username or password.';
/** "User is disabled." — InitiateAuth, refresh and access-token calls of a disabled user (AdminDisableUser API). */
export const USER_DISABLED = 'User is disabled.';

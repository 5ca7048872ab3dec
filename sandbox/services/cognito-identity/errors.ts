import { AwsServiceError } from '../../wire/http';

// Error types and statuses from the Cognito identity service model (httpError traits).
export const notAuthorized = (message: string) => new AwsServiceError(403, 'NotAuthorizedException', message);
export const resourceNotFound = (message: string) => new AwsServiceError(404, 'ResourceNotFoundException', message);
export const resourceConflict = (message: string) => new AwsServiceError(409, 'ResourceConflictException', message);

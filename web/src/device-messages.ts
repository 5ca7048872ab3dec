import { ApiRequestError, retryHint } from './api';

/**
 * What the user reads when a command or a release is refused, by the API's error code
 * (functions/api/publish-command/api-errors.ts). A device that is not the caller's reads as unknown:
 * the API does not say whose it is, and neither does the page.
 */
export function deviceRefusalMessage(error: unknown, thingName: string, action: 'command' | 'release'): string {
  if (!(error instanceof ApiRequestError)) return `The request did not reach the service (${error instanceof Error ? error.message : String(error)}). Check your connection and try again.`;
  const retry = retryHint(error, ' Try again in a few seconds.');
  switch (error.code) {
    case 'InvalidCommand':
      return `Not a valid command: ${error.message}`;
    case 'CommandTooLarge':
      return `The command is too large: ${error.message}`;
    case 'DeviceNotFound':
      return `${thingName} is not one of your devices any more. Refresh the list.`;
    case 'PublishDenied':
      return `AWS IoT refused the command for ${thingName}. Sign out and in again; if it persists, contact support.`;
    case 'NotOnboarded':
      return `Your account is still being set up.${retry}`;
    case 'Throttled':
    case 'UpstreamFailure':
      return `The service is busy; the ${action === 'command' ? 'command was not sent' : 'device was not released'}.${retry}`;
    case 'Unauthorized':
    case 'Unauthenticated':
      return 'Your session has expired. Sign out and sign in again.';
    default:
      return `The ${action} was refused (${error.code}): ${error.message}`;
  }
}

/** The desired state typed by the user: a JSON object, or a specific reason it is not one. */
export function parseDesired(text: string): { desired: Record<string, unknown> } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'Type the desired state as JSON, e.g. {"power":"ON"}.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'The desired state must be a JSON object, e.g. {"power":"ON"}.' };
  if (Object.keys(value).length === 0) return { problem: 'Name at least one field, e.g. {"power":"ON"}.' };
  return { desired: value as Record<string, unknown> };
}

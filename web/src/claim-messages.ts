import { ApiRequestError, retryHint } from './api';

/**
 * What the user reads when a claim is refused, by the API's error code
 * (functions/api/publish-command/api-errors.ts and devices.ts).
 */
export function claimRefusalMessage(error: unknown, thingName: string): string {
  if (!(error instanceof ApiRequestError)) return `The claim did not reach the service (${error instanceof Error ? error.message : String(error)}). Check your connection and try again.`;
  const retry = retryHint(error, ' Wait a few minutes before trying again.');
  switch (error.code) {
    case 'InvalidClaimCode':
      return `That claim code does not match ${thingName}. Check the code on the device's label (letters and digits, in groups of four).`;
    case 'AlreadyClaimed':
      return `${thingName} already has an owner. They must release it before you can claim it.`;
    case 'ClaimRateLimited':
      return `Too many wrong claim codes.${retry}`;
    case 'DeviceNotFound':
      return `There is no device named ${thingName}. Check the name on the device's label.`;
    case 'InvalidThingName':
      return `"${thingName}" is not a valid device name: ${error.message}`;
    case 'InvalidClaimRequest':
      return 'Enter the claim code printed on the device.';
    case 'ClaimContended':
      return `${thingName} changed while you were claiming it. Try again.`;
    case 'NotOnboarded':
      return `Your account is still being set up.${retryHint(error, ' Try again in a few seconds.')}`;
    case 'Throttled':
    case 'UpstreamFailure':
      return `The service is busy.${retry}`;
    case 'Unauthorized':
    case 'Unauthenticated':
      return 'Your session has expired. Sign out and sign in again.';
    default:
      return `The claim was refused (${error.code}): ${error.message}`;
  }
}

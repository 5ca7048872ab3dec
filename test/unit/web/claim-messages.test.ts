import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../../web/src/api';
import { claimRefusalMessage } from '../../../web/src/claim-messages';

const refused = (status: number, code: string, retryAfterSeconds?: number) => new ApiRequestError(status, code, 'message from the API', retryAfterSeconds);

describe('claim refusal messages', () => {
  it.each([
    [refused(403, 'InvalidClaimCode'), 'That claim code does not match lamp-1.'],
    [refused(409, 'AlreadyClaimed'), 'lamp-1 already has an owner. They must release it before you can claim it.'],
    [refused(429, 'ClaimRateLimited', 120), 'Too many wrong claim codes. Try again in 120 s.'],
    [refused(429, 'ClaimRateLimited'), 'Too many wrong claim codes. Wait a few minutes before trying again.'],
    [refused(404, 'DeviceNotFound'), 'There is no device named lamp-1.'],
    [refused(409, 'NotOnboarded', 5), 'Your account is still being set up. Try again in 5 s.'],
  ])('gives %s its own message', (error, expected) => {
    expect(claimRefusalMessage(error, 'lamp-1')).toContain(expected);
  });

  it('shows an unknown code with the API message', () => {
    expect(claimRefusalMessage(refused(418, 'Teapot'), 'lamp-1')).toBe('The claim was refused (Teapot): message from the API');
  });

  it('says the claim did not reach the service on a network failure', () => {
    expect(claimRefusalMessage(new TypeError('Failed to fetch'), 'lamp-1')).toMatch(/^The claim did not reach the service \(Failed to fetch\)/);
  });
});

import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../../web/src/api';
import { deviceRefusalMessage, parseDesired } from '../../../web/src/device-messages';
import { confirmFailureMessage, signInFailureMessage, signUpFailureMessage } from '../../../web/src/auth-messages';

const refusal = (code: string, retryAfter?: number) => new ApiRequestError(409, code, `message of ${code}`, retryAfter);

describe("the page's messages", () => {
  it('reads a typed desired state as a JSON object, saying what is wrong otherwise', () => {
    expect(parseDesired('{"power":"ON"}')).toEqual({ desired: { power: 'ON' } });
    expect(parseDesired('power on')).toEqual({ problem: 'Type the desired state as JSON, e.g. {"power":"ON"}.' });
    expect(parseDesired('[1]')).toEqual({ problem: 'The desired state must be a JSON object, e.g. {"power":"ON"}.' });
    expect(parseDesired('{}')).toEqual({ problem: 'Name at least one field, e.g. {"power":"ON"}.' });
  });

  it('says when to retry a busy or not-yet-onboarded answer, from Retry-After', () => {
    expect(deviceRefusalMessage(refusal('Throttled', 3), 'lamp', 'command')).toBe('The service is busy; the command was not sent. Try again in 3 s.');
    expect(deviceRefusalMessage(refusal('NotOnboarded'), 'lamp', 'release')).toBe('Your account is still being set up. Try again in a few seconds.');
  });

  it("says a device that is not the caller's is not theirs, without saying whose", () => {
    expect(deviceRefusalMessage(refusal('DeviceNotFound'), 'lamp', 'command')).toBe('lamp is not one of your devices any more. Refresh the list.');
  });

  it('reads a wrong password and an unknown user alike, and names sign-up and confirmation refusals', () => {
    const named = (name: string, message = '') => Object.assign(new Error(message), { code: name });
    expect(signInFailureMessage(named('UserNotFoundException'))).toBe(signInFailureMessage(named('NotAuthorizedException')));
    expect(signUpFailureMessage(named('UsernameExistsException'))).toBe('That username is taken. Choose another one, or sign in.');
    expect(signUpFailureMessage(named('InvalidPasswordException', 'Password did not conform with policy: Password must have uppercase characters'))).toBe('Choose another password: Password must have uppercase characters');
    expect(confirmFailureMessage(named('CodeMismatchException'))).toBe('That code is not the one we sent. Check the email and type the 6 digits again.');
    expect(confirmFailureMessage(named('ExpiredCodeException'))).toBe('That code has expired. Send a new code and use it.');
  });
});

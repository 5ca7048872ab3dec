import { namedError } from '../aws/errors';
import { IDENTITY_ID_PATTERN } from '../workflows/offboarding';
import { SHADOW_NAME_PATTERN, thingNameProblem } from './shadow-limits';

/**
 * The names a device may have (design section 8). A device's name is its thing name AND the name
 * of its twin, a named shadow on the owner's identity thing, so it must satisfy both:
 * thing names are 1-128 of `[a-zA-Z0-9:_-]` (https://docs.aws.amazon.com/iot/latest/apireference/API_CreateThing.html),
 * shadow names only 1-64 of the same characters (https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_GetThingShadow.html).
 * A name of 65-128 characters would be a thing whose twin can never be written (and whose
 * owner's offboarding could never delete it). And a name shaped like an identity id
 * (`<region>:<guid>`) is refused: the device's classic shadow would then sit in that user's own
 * namespace (`$aws/things/<identityId>/shadow/...`), which the user policy grants.
 */

export const DEVICE_NAME_MAX_LENGTH = 64;

export type DeviceNameProblem = 'empty' | 'wildcard' | 'reserved' | 'characters' | 'length' | 'identityShaped';

/** Identity ids as Cognito writes them, in any letter case (IoT names are case-sensitive, intent is not). */
const IDENTITY_SHAPED = new RegExp(IDENTITY_ID_PATTERN.source, 'i');

/** Which rule a device name breaks, or undefined when it can be both a thing and a twin name. */
export function deviceNameProblem(name: string): DeviceNameProblem | undefined {
  if (name === '') return 'empty';
  const topicProblem = thingNameProblem(name);
  if (topicProblem === 'wildcard' || topicProblem === 'reserved') return topicProblem;
  if (!/^[a-zA-Z0-9:_-]*$/.test(name)) return 'characters';
  if (!SHADOW_NAME_PATTERN.test(name)) return 'length';
  if (IDENTITY_SHAPED.test(name)) return 'identityShaped';
  return undefined;
}

/** What was wrong and what is expected; echoes the name only when it is short enough to read. */
export function deviceNameMessage(problem: DeviceNameProblem, name: string): string {
  const shown = name.length <= DEVICE_NAME_MAX_LENGTH ? `"${name}"` : `of ${name.length} characters`;
  switch (problem) {
    case 'empty':
      return 'The thing name is empty; a device name is 1-64 characters of a-z A-Z 0-9 : _ -';
    case 'wildcard':
      return `Thing name ${shown} contains an MQTT wildcard (+, # or *); name one thing`;
    case 'reserved':
      return `Thing name ${shown} contains a reserved topic character (/, $ or NUL)`;
    case 'characters':
      return `Thing name ${shown} has characters outside a-z A-Z 0-9 : _ -`;
    case 'length':
      return `Thing name ${shown} is too long: a device name is at most ${DEVICE_NAME_MAX_LENGTH} characters, the limit of the shadow name its twin uses`;
    case 'identityShaped':
      return `Thing name ${shown} has the shape of an identity id (<region>:<guid>); a device may not be named like a user's identity`;
  }
}

/** The device name is not one a device may have (`InvalidThingName`: the API's code for it). */
export class InvalidDeviceNameError extends namedError('InvalidThingName') {}

/** Throws InvalidDeviceNameError naming the rule the name breaks. */
export function assertDeviceName(name: string): void {
  const problem = deviceNameProblem(name);
  if (problem !== undefined) throw new InvalidDeviceNameError(deviceNameMessage(problem, name));
}

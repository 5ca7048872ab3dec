import { describe, expect, it } from 'vitest';
import { InvalidFaultSpec, parseFaultSpecs } from '../../../sandbox/wire/faults';

describe('parseFaultSpecs (the control API and --faults)', () => {
  it('accepts loseResponseNext alone, as the in-process FaultInjector does', () => {
    expect(parseFaultSpecs({ operation: 'iot:UpdateThingShadow', loseResponseNext: 2 })).toEqual([{ operation: 'iot:UpdateThingShadow', loseResponseNext: 2 }]);
  });

  it('refuses a loseResponseNext that is not a whole number >= 0, naming the field', () => {
    expect(() => parseFaultSpecs([{ operation: 'iot:UpdateThingShadow', loseResponseNext: 1.5 }])).toThrow(InvalidFaultSpec);
    expect(() => parseFaultSpecs([{ operation: 'iot:UpdateThingShadow', loseResponseNext: -1 }])).toThrow(/faults\[0\]\.loseResponseNext/);
  });

  it('still refuses a rule with no effect', () => {
    expect(() => parseFaultSpecs({ operation: 'iot:AttachPolicy' })).toThrow(/throttleTps, failNext and\/or loseResponseNext/);
  });

  it('names every violation of a rule with its path: unknown fields, an unknown service, a failWith outside the set', () => {
    expect(() => parseFaultSpecs({ operation: 'lambda:Invoke', failNext: 1, extra: true })).toThrow(
      'faults[0].operation: must be <service>:<Operation> with service one of cognito-idp, cognito-identity, iot, states, sqs (e.g. iot:AttachPolicy); faults[0]: Member must not contain the field(s) extra',
    );
    expect(() => parseFaultSpecs([{ operation: 'iot:AttachPolicy', failNext: 1 }, { operation: 'iot:AttachPolicy', failNext: 1, failWith: 'boom' }])).toThrow(
      'faults[1].failWith: Member must satisfy enum value set: [throttle, internal]',
    );
  });
});

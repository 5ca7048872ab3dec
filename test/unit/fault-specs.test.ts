import { describe, expect, it } from 'vitest';
import { InvalidFaultSpec, parseFaultSpecs } from '../../sandbox/faults';

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
});

import { describe, expect, it } from 'vitest';
import { parse } from '../../sandbox/stepfunctions/requests';
import { parseDefinition } from '../../sandbox/stepfunctions/definition';

const messageOf = (fn: () => unknown): { name: string; message: string } => {
  try {
    fn();
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected a validation error');
};

describe('sandbox request validation (zod/mini, AWS wording)', () => {
  it('answers ValidationException worded as AWS words it, one clause per violated member', () => {
    expect(messageOf(() => parse('StopExecution', { executionArn: '', cause: 3 }))).toEqual({
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value '' at 'executionArn' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value 3 at 'cause' failed to satisfy constraint: Member must be of type string",
    });
  });

  it('names a missing required member as null and lists an enum value set', () => {
    expect(messageOf(() => parse('ListExecutions', { statusFilter: 'NOPE' })).message).toBe(
      "2 validation errors detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null; " +
        "Value 'NOPE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]",
    );
  });

  it('drops members the operation does not define, as the AWS JSON protocol ignores them', () => {
    expect(parse('DescribeExecution', { executionArn: 'arn:x', unknownMember: 1 })).toEqual({ executionArn: 'arn:x' });
  });

  it('rejects an unknown retrier field and names it with its path', () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true, Retry: [{ ErrorEquals: ['X'], Jitter: 'FULL' }] } } };
    expect(() => parseDefinition(definition)).toThrow("States.A.Retry.0: Member must not contain the field(s) Jitter");
  });
});

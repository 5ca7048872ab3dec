import { describe, expect, it } from 'vitest';
import { parse } from '../../../sandbox/services/stepfunctions/requests';
import { parseDefinition } from '../../../sandbox/services/stepfunctions/definition';
import { optionalString, optionalStringList, requireString, stringMap } from '../../../sandbox/wire/json-target';

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

describe('JSON protocol members (Cognito, Secrets Manager)', () => {
  it('reports a missing required member as Cognito does, in camelCase', () => {
    expect(messageOf(() => requireString({}, 'Username'))).toEqual({
      name: 'InvalidParameterException',
      message: "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null",
    });
  });

  it('refuses an empty required string by its length constraint', () => {
    expect(messageOf(() => requireString({ Username: '' }, 'Username')).message).toBe(
      "1 validation error detected: Value '' at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('treats null optional members as absent and names a bad map value by its key', () => {
    expect(optionalString({ Name: null }, 'Name')).toBeUndefined();
    expect(stringMap({ Logins: { a: 'x' } }, 'Logins')).toEqual({ a: 'x' });
    expect(messageOf(() => stringMap({ Logins: { a: 1 } }, 'Logins')).message).toBe(
      "1 validation error detected: Value 1 at 'logins.a' failed to satisfy constraint: Member must be of type string",
    );
    expect(messageOf(() => stringMap({ Logins: ['x'] }, 'Logins')).name).toBe('InvalidParameterException');
  });

  it('names a list item as AWS does, counting from 1 with `member`', () => {
    expect(messageOf(() => optionalStringList({ AttributesToGet: ['email', 7] }, 'AttributesToGet')).message).toBe(
      "1 validation error detected: Value 7 at 'attributesToGet.2.member' failed to satisfy constraint: Member must be of type string",
    );
    expect(optionalStringList({ AttributesToGet: ['email'] }, 'AttributesToGet')).toEqual(['email']);
  });
});

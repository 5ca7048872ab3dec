import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../../../functions/shared/aws/classify';
import { RETRYABLE_ERROR_NAMES } from '../../../../functions/shared/aws/errors';
import { COGNITO_IDENTITY_VARIABLE, iotPolicyDocument, iotPolicyStatements } from '../../../../functions/shared/iot-policy/user-policy';
import { executionName, replacementExecutionName } from '../../../../functions/shared/workflows/onboarding';
import { jsonDepth, thingNameProblem } from '../../../../functions/shared/devices/shadow-limits';
import { renderOnboardingDefinition } from '../../../../statemachines/onboarding';
import { awsError, SUB } from '../../fixtures';

const scope = { region: 'eu-west-1', account: '123456789012' };

describe('IoT policy template', () => {
  it('lets an identity connect only with its own identity id as client id, bare or followed by "-" and a suffix', () => {
    const connect = iotPolicyStatements(scope).find((s) => s.Action.includes('iot:Connect'));
    expect(connect?.Resource).toEqual([
      `arn:aws:iot:eu-west-1:123456789012:client/${COGNITO_IDENTITY_VARIABLE}`,
      `arn:aws:iot:eu-west-1:123456789012:client/${COGNITO_IDENTITY_VARIABLE}-*`,
    ]);
  });

  it('scopes topics to the identity\'s own shadows only: no device shadows, no presence', () => {
    const resources = iotPolicyStatements(scope).flatMap((s) => s.Resource);
    expect(resources).toEqual([
      `arn:aws:iot:eu-west-1:123456789012:client/${COGNITO_IDENTITY_VARIABLE}`,
      `arn:aws:iot:eu-west-1:123456789012:client/${COGNITO_IDENTITY_VARIABLE}-*`,
      `arn:aws:iot:eu-west-1:123456789012:topic/$aws/things/${COGNITO_IDENTITY_VARIABLE}/shadow/*`,
      `arn:aws:iot:eu-west-1:123456789012:topicfilter/$aws/things/${COGNITO_IDENTITY_VARIABLE}/shadow/*`,
    ]);
  });

  it('renders a literal identity id for the custom authorizer', () => {
    const doc = iotPolicyDocument(scope, 'eu-west-1:abc');
    expect(JSON.stringify(doc)).not.toContain('${');
    expect(doc.Statement[0]?.Resource).toEqual(['arn:aws:iot:eu-west-1:123456789012:client/eu-west-1:abc', 'arn:aws:iot:eu-west-1:123456789012:client/eu-west-1:abc-*']);
  });
});

describe('onboarding execution names', () => {
  it('are deterministic per user and version and within the 80-character limit', () => {
    // Pinned: the trigger, the API's self-healing and the admin CLI must all derive this exact name.
    expect(executionName(SUB, '1234567890abcdef')).toBe(`onboard-${SUB}-v1234567890abcdef`);
    expect(executionName(SUB, '1234567890abcdef').length).toBeLessThanOrEqual(80);
  });

  it('differ per user and per version', () => {
    const other = '7c2e5d3f-9b8e-4a6c-8d4f-3e2b1c0d9f8a';
    expect(new Set([executionName(SUB, '1'), executionName(SUB, '2'), executionName(other, '1')]).size).toBe(3);
  });

  it('derive replacements from the closed execution, not from each other', () => {
    const stopped = new Date('2026-01-01T00:00:00Z');
    const first = replacementExecutionName(executionName(SUB, '1'), stopped);
    expect(first).toBe(`onboard-${SUB}-v1-r1767225600`);
    expect(replacementExecutionName(first, new Date('2026-01-02T00:00:00Z'))).toBe(`onboard-${SUB}-v1-r1767312000`);
  });
});

describe('onboarding definition', () => {
  const substitutions = {
    ResolveIdentityFunctionArn: 'arn:aws:lambda:us-east-1:1:function:resolve',
    PublishWelcomeFunctionArn: 'arn:aws:lambda:us-east-1:1:function:welcome',
    AttachQueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/attach',
    UserPoolId: 'us-east-1_abc',
  };

  it('fills every placeholder', () => {
    const rendered = renderOnboardingDefinition(substitutions);
    expect(rendered).not.toContain('${');
    expect(JSON.parse(rendered).States.AttachPolicy.Parameters.QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/1/attach');
  });

  it('retries every Lambda task on exactly the retryable error names the handlers throw', () => {
    const states = JSON.parse(renderOnboardingDefinition(substitutions)).States as Record<string, { Resource: string; Retry?: Array<{ ErrorEquals: string[] }> }>;
    const lambdaTasks = Object.values(states).filter((state) => state.Resource === 'arn:aws:states:::lambda:invoke');
    expect(lambdaTasks.length).toBeGreaterThan(0);
    for (const task of lambdaTasks) {
      const ours = (task.Retry ?? []).flatMap((r) => r.ErrorEquals).filter((name) => !name.includes('.'));
      expect(ours.sort()).toEqual([...RETRYABLE_ERROR_NAMES].sort());
    }
  });

  it('refuses to render with a placeholder left without a value, naming it', () => {
    const { UserPoolId: _omitted, ...partial } = substitutions;
    expect(() => renderOnboardingDefinition(partial as never)).toThrow(/UserPoolId/);
  });
});

describe('AWS error classification', () => {
  it.each([
    ['ThrottlingException', 400, 'throttled'],
    ['TooManyRequestsException', 429, 'throttled'],
    ['ForbiddenException', 403, 'denied'],
    ['ResourceNotFoundException', 404, 'notFound'],
    ['ConflictException', 409, 'conflict'],
    ['InternalFailureException', 500, 'unavailable'],
    ['InvalidRequestException', 400, 'invalid'],
  ])('classifies %s (%i) as %s', (name, status, kind) => {
    expect(classifyAwsError(awsError(name, status))).toBe(kind);
  });

  it('classifies a network failure as unavailable', () => {
    expect(classifyAwsError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('unavailable');
  });
});

describe('shadow limits', () => {
  it('counts depth as the shadow service does', () => {
    expect(jsonDepth({ a: 1 })).toBe(1);
    expect(jsonDepth({ a: { b: [1, { c: 2 }] } })).toBe(4);
  });

  it('names why a thing name cannot be used', () => {
    expect(thingNameProblem('device_1')).toBeUndefined();
    expect(thingNameProblem('us-east-1:abc')).toBeUndefined();
    expect(thingNameProblem('a/b')).toBe('reserved');
    expect(thingNameProblem('a+')).toBe('wildcard');
    expect(thingNameProblem('a b')).toBe('pattern');
  });
});

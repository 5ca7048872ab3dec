import { describe, expect, it } from 'vitest';
import { ErrorNames } from '../../../functions/shared/aws/errors';
import { AttachGate } from '../../../functions/shared/gates/gates';
import { onboardingDefinition } from '../fixtures';

interface State {
  readonly Resource: string;
  readonly TimeoutSeconds?: number;
  readonly Comment?: string;
  readonly Retry?: Array<{ ErrorEquals: string[] }>;
}
/**
 * The retry policy, pinned as literals: these values carry the design (README, "Retry
 * taxonomy" and Performance), so changing one must be a decision that updates this test.
 */
const definition = onboardingDefinition<{ TimeoutSeconds: number; States: Record<string, State> }>();

const LAMBDA_RETRY = [
  {
    ErrorEquals: [
      'UpstreamThrottled',
      'UpstreamUnavailable',
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 1,
    BackoffRate: 2,
    MaxAttempts: 6,
    MaxDelaySeconds: 8,
    JitterStrategy: 'FULL',
  },
  { ErrorEquals: ['States.Timeout', 'Lambda.Unknown', 'Sandbox.Timedout'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 2, MaxDelaySeconds: 8, JitterStrategy: 'FULL' },
];

describe('onboarding retry policy', () => {
  it('hands AttachPolicy to the attach gate: SendMessage with the task token and the identity, waiting at most the gate\'s 6 h', () => {
    const { Retry: _retry, Comment: _comment, ...attach } = definition.States.AttachPolicy ?? {};
    expect(attach).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      TimeoutSeconds: 21_600,
      Parameters: {
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/attach',
        MessageBody: { 'taskToken.$': '$$.Task.Token', 'identityId.$': '$.identity.identityId' },
      },
      ResultPath: null,
      Next: 'PublishWelcome',
    });
    // The wait is the gate's: gates.ts sizes the queue and the consumer for it.
    expect(definition.States.AttachPolicy?.TimeoutSeconds).toBe(AttachGate.waitTimeoutSeconds);
    // The execution outlives the longest wait for a turn, with room for the other tasks.
    expect(definition.TimeoutSeconds).toBe(25_200);
    expect(definition.TimeoutSeconds).toBeGreaterThan(AttachGate.waitTimeoutSeconds);
  });

  it('retries only sending the gate message, on SQS transient and throttling errors: not the gate\'s answer, not the wait', () => {
    expect(definition.States.AttachPolicy?.Retry).toEqual([
      {
        ErrorEquals: [
          'SQS.SdkClientException',
          'SQS.AmazonSQSException',
          'SQS.InternalFailureException',
          'SQS.ServiceUnavailableException',
          'SQS.ThrottlingException',
          'SQS.RequestThrottledException',
        ],
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxAttempts: 6,
        MaxDelaySeconds: 8,
        JitterStrategy: 'FULL',
      },
    ]);
    // A permanent refusal (Iot.*), a dead-lettered message and a wait past TimeoutSeconds fail the
    // execution at AttachPolicy for an operator's redrive: no retrier may match them.
    const names = (definition.States.AttachPolicy?.Retry ?? []).flatMap((r) => r.ErrorEquals);
    for (const unretried of ['Iot.LimitExceededException', ErrorNames.GateDeadLettered, 'States.Timeout', 'States.ALL', 'States.TaskFailed']) {
      expect(names).not.toContain(unretried);
    }
  });

  it('retries the Lambda tasks on their named errors, Lambda service exceptions and timeouts', () => {
    expect(definition.States.ResolveIdentity?.Retry).toEqual(LAMBDA_RETRY);
    expect(definition.States.PublishWelcome?.Retry).toEqual(LAMBDA_RETRY);
  });

  it('retries MarkOnboarded on Cognito throttling, internal errors and timeouts', () => {
    expect(definition.States.MarkOnboarded?.Retry).toEqual([
      {
        ErrorEquals: ['CognitoIdentityProvider.TooManyRequestsException', 'CognitoIdentityProvider.InternalErrorException', 'States.Timeout'],
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxAttempts: 6,
        MaxDelaySeconds: 8,
        JitterStrategy: 'FULL',
      },
    ]);
  });

  /**
   * The names each integration can report, from the AWS docs. SDK integrations report
   * `<Service>.<Error>` for the errors in the API's reference ("Learning to use AWS service SDK
   * integrations", https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html):
   * AdminUpdateUserAttributes https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html.
   * The optimized SQS integration reports the same way: SendMessage's errors
   * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html), the
   * common errors a transient failure comes as (InternalFailure, ServiceUnavailable, Throttling:
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html), and the
   * Java SDK's client and service base names (SdkClientException, AmazonSQSException).
   * Lambda invocations: "Handle Lambda service exceptions",
   * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html (function
   * timeouts and crashes are Lambda.Unknown); Sandbox.Timedout is Lambda's own timeout error
   * (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html).
   */
  const DOCUMENTED: Record<string, readonly string[]> = {
    'arn:aws:states:::sqs:sendMessage.waitForTaskToken': [
      'InvalidAddress', 'InvalidMessageContents', 'InvalidSecurity', 'KmsAccessDenied', 'KmsDisabled', 'KmsInvalidKeyUsage', 'KmsInvalidState',
      'KmsNotFound', 'KmsOptInRequired', 'KmsThrottled', 'QueueDoesNotExist', 'RequestThrottled', 'UnsupportedOperation',
      'InternalFailure', 'ServiceUnavailable', 'Throttling', 'SdkClient', 'AmazonSQS',
    ].map((e) => `SQS.${e}Exception`),
    'arn:aws:states:::aws-sdk:cognitoidentityprovider:adminUpdateUserAttributes': [
      'AliasExists', 'CodeDeliveryFailure', 'InternalError', 'InvalidEmailRoleAccessPolicy', 'InvalidLambdaResponse', 'InvalidParameter',
      'InvalidSmsRoleAccessPolicy', 'InvalidSmsRoleTrustRelationship', 'NotAuthorized', 'ResourceNotFound', 'TooManyRequests',
      'UnexpectedLambda', 'UserLambdaValidation', 'UserNotFound',
    ].map((e) => `CognitoIdentityProvider.${e}Exception`),
    'arn:aws:states:::lambda:invoke': [
      ...Object.values(ErrorNames),
      ...['ServiceException', 'AWSLambdaException', 'SdkClientException', 'ClientExecutionTimeoutException', 'TooManyRequestsException', 'Unknown'].map((e) => `Lambda.${e}`),
      'Sandbox.Timedout',
    ],
  };

  it('matches only error names the integration can report (or States.*)', () => {
    for (const [name, state] of Object.entries(definition.States)) {
      const documented = DOCUMENTED[state.Resource] ?? [];
      const names = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
      expect({ name, unknown: names.filter((n) => !n.startsWith('States.') && !documented.includes(n)) }).toEqual({ name, unknown: [] });
    }
  });
});

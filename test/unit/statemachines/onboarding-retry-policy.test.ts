import { describe, expect, it } from 'vitest';
import { ErrorNames } from '../../../functions/shared/aws/errors';
import { onboardingDefinition } from '../fixtures';

/**
 * The retry policy, pinned as literals: these values carry the design (README, "Retry
 * taxonomy" and Performance), so changing one must be a decision that updates this test.
 */
const definition = onboardingDefinition<{ States: Record<string, { Resource: string; Retry?: Array<{ ErrorEquals: string[] }> }> }>();

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
  it('retries only AttachPolicy throttling as throttling: 150 retries, 4 s cap, full jitter', () => {
    expect(definition.States.AttachPolicy?.Retry).toEqual([
      { ErrorEquals: ['Iot.ThrottlingException'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 150, MaxDelaySeconds: 4, JitterStrategy: 'FULL' },
      {
        ErrorEquals: ['Iot.ServiceUnavailableException', 'Iot.InternalFailureException', 'States.Timeout'],
        IntervalSeconds: 1,
        BackoffRate: 2,
        MaxAttempts: 4,
        MaxDelaySeconds: 8,
        JitterStrategy: 'FULL',
      },
    ]);
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
   * AttachPolicy https://docs.aws.amazon.com/iot/latest/apireference/API_AttachPolicy.html,
   * AdminUpdateUserAttributes https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html.
   * Lambda invocations: "Handle Lambda service exceptions",
   * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html (function
   * timeouts and crashes are Lambda.Unknown); Sandbox.Timedout is Lambda's own timeout error
   * (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html).
   */
  const DOCUMENTED: Record<string, readonly string[]> = {
    'arn:aws:states:::aws-sdk:iot:attachPolicy': ['InternalFailure', 'InvalidRequest', 'LimitExceeded', 'ResourceNotFound', 'ServiceUnavailable', 'Throttling', 'Unauthorized'].map((e) => `Iot.${e}Exception`),
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

import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsError, postAuthEvent, STATE_MACHINE_ARN } from './fixtures';

const sfnMock = mockClient(SFNClient);

describe('post-authentication handler', () => {
  let handler: (event: never) => Promise<unknown>;

  beforeAll(async () => {
    process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
    process.env.ONBOARDING_VERSION = '1';
    ({ handler } = (await import('../../functions/post-authentication/handler')) as never);
  });

  it('returns the event unchanged when onboarding starts', async () => {
    sfnMock.reset().on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    const event = postAuthEvent();
    expect(await handler(event as never)).toBe(event);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('returns the event unchanged when Step Functions fails, so the sign-in succeeds', async () => {
    sfnMock.reset().on(StartExecutionCommand).rejects(awsError('InternalServerError', 500));
    const event = postAuthEvent();
    expect(await handler(event as never)).toBe(event);
  });

  it('returns a malformed event unchanged', async () => {
    sfnMock.reset();
    const event = { triggerSource: 'PostAuthentication_Authentication', request: {} };
    expect(await handler(event as never)).toBe(event);
    expect(sfnMock.calls()).toHaveLength(0);
  });
});

describe('post-authentication configuration', () => {
  it('fails at cold start naming a missing variable', async () => {
    const { loadConfig, ConfigVars } = await import('../../functions/shared/config');
    expect(() => loadConfig({ STATE_MACHINE_ARN: ConfigVars.arn('states') }, {})).toThrow(/STATE_MACHINE_ARN is not set/);
    expect(() => loadConfig({ STATE_MACHINE_ARN: ConfigVars.arn('states') }, { STATE_MACHINE_ARN: 'nope' })).toThrow(
      /STATE_MACHINE_ARN is invalid: expected an states ARN/,
    );
  });
});

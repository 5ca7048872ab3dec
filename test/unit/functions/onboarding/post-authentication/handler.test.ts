import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsError, postAuthEvent, STATE_MACHINE_ARN } from '../../../fixtures';

const sfnMock = mockClient(SFNClient);
const lambdaContext = { awsRequestId: 'req-7f3a', functionName: 'post-authentication', functionVersion: '$LATEST', memoryLimitInMB: '256', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:post-authentication' };

describe('post-authentication handler', () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    // Powertools writes INFO to stdout, WARN and ERROR to stderr.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  let handler: (event: never, context: never) => Promise<unknown>;

  beforeAll(async () => {
    vi.stubEnv('STATE_MACHINE_ARN', STATE_MACHINE_ARN);
    vi.stubEnv('ONBOARDING_VERSION', '1');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    ({ handler } = (await import('../../../../../functions/onboarding/post-authentication/handler')) as never);
  });
  // Files share this worker's process (vitest.config.ts): leave its environment and SDK as found.
  afterAll(() => {
    vi.unstubAllEnvs();
    sfnMock.restore();
  });

  it('returns the event unchanged when onboarding starts', async () => {
    sfnMock.reset().on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
    const event = postAuthEvent();
    expect(await handler(event as never, lambdaContext as never)).toBe(event);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('returns the event unchanged when Step Functions fails, so the sign-in succeeds', async () => {
    sfnMock.reset().on(StartExecutionCommand).rejects(awsError('InternalServerError', 500));
    const event = postAuthEvent();
    expect(await handler(event as never, lambdaContext as never)).toBe(event);
  });

  it('logs the failure with the Lambda request id and cold start', async () => {
    sfnMock.reset().on(StartExecutionCommand).rejects(awsError('InternalServerError', 500));
    await handler(postAuthEvent() as never, lambdaContext as never);
    const logged = lines.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.level === 'ERROR')).toMatchObject({ function_request_id: 'req-7f3a', cold_start: expect.any(Boolean) });
  });

  it('returns a malformed event unchanged', async () => {
    sfnMock.reset();
    const event = { triggerSource: 'PostAuthentication_Authentication', request: {} };
    expect(await handler(event as never, lambdaContext as never)).toBe(event);
    expect(sfnMock.calls()).toHaveLength(0);
  });
});

describe('post-authentication configuration', () => {
  it('fails at cold start naming a missing variable', async () => {
    const { loadConfig, ConfigVars } = await import('../../../../../functions/shared/aws/config');
    expect(() => loadConfig({ STATE_MACHINE_ARN: ConfigVars.arn('states') }, {})).toThrow(/STATE_MACHINE_ARN is not set/);
    expect(() => loadConfig({ STATE_MACHINE_ARN: ConfigVars.arn('states') }, { STATE_MACHINE_ARN: 'nope' })).toThrow(
      /STATE_MACHINE_ARN is invalid: expected an states ARN/,
    );
  });
});

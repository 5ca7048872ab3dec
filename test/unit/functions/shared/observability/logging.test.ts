import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleApiRequest } from '../../../../../functions/api/publish-command/core';
import { createLogger } from '../../../../../functions/shared/observability/logging';
import { ApiRoutes } from '../../../../../functions/shared/routes';

/** The JSON lines Powertools Logger writes to stdout while `act` runs. */
async function loggedLines(act: () => Promise<unknown> | unknown): Promise<Array<Record<string, unknown>>> {
  const chunks: string[] = [];
  // Powertools writes INFO to stdout, WARN and ERROR to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
  }
  await act();
  return chunks
    .flatMap((c) => c.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('function logs (Powertools Logger)', () => {
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('keeps an attribute named like a reserved key instead of dropping it', async () => {
    const lines = await loggedLines(() => createLogger('test').warn('Request rejected', { message: 'thing name has a wildcard', code: 'InvalidThingName' }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ message: 'Request rejected', detail_message: 'thing name has a wildcard', code: 'InvalidThingName' });
  });

  it('says why the command API rejected a request, on the line that reports it', async () => {
    const log = createLogger('publish-command');
    const event = {
      routeKey: ApiRoutes.PublishCommand,
      pathParameters: { thingName: 'lamp+' },
      body: JSON.stringify({ desired: { on: true } }),
      requestContext: { requestId: 'r-1', authorizer: { jwt: { claims: { sub: '6b1f4c2e-8a7d-4f5b-9c3e-2d1a0b9c8e7f', 'cognito:username': 'alice', token_use: 'access' } } } },
    };
    const deps = { access: { get: vi.fn() }, log, config: { iotEndpoint: 'x', region: 'us-east-1' }, newCommandId: () => 'c-1' };
    const lines = await loggedLines(() => handleApiRequest(event, deps as never));
    const rejected = lines.find((l) => l.message === 'Request rejected');
    expect(rejected).toMatchObject({ requestId: 'r-1', code: 'Unauthenticated', reason: expect.stringMatching(/ID token/) });
  });

  it('adds the Lambda request id and cold start to every line after addContext', async () => {
    const log = createLogger('test');
    const lines = await loggedLines(() => {
      log.addContext({ awsRequestId: 'req-1', functionName: 'f', functionVersion: '$LATEST', memoryLimitInMB: '256', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f' } as never);
      log.info('hello');
    });
    expect(lines[0]).toMatchObject({ function_request_id: 'req-1', function_name: 'f', cold_start: expect.any(Boolean) });
  });
});

import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NotOnboardedError } from '../../../../../functions/api/publish-command/access-cache';
import { ApiError } from '../../../../../functions/api/publish-command/api-errors';
import { handleApiRequest, NOT_ONBOARDED_RETRY_AFTER_SECONDS } from '../../../../../functions/api/publish-command/core';
import { CallerClaimLimiter, CLAIM_GUARD } from '../../../../../functions/shared/devices/claim-guard';
import { ApiRoutes } from '../../../../../functions/shared/routes';
import { silentLog } from '../../../../../functions/shared/observability/logging';
import { awsError, IDENTITY_ID, SUB } from '../../../fixtures';

const iotMock = mockClient(IoTDataPlaneClient);
const iotData = new IoTDataPlaneClient({ region: 'us-east-1' });

let accessResult: () => Promise<unknown>;
let ensured: Array<{ sub: string; username: string; onboardedAttribute?: string | undefined }> = [];
let ensureResult: () => Promise<string>;
let owned: boolean;
const unused = () => Promise.reject(new Error('no registry in this test'));
const deps = {
  devices: {
    registry: {
      iot: { describeThing: unused, updateThing: unused, listThings: unused },
      iotData: { send: () => Promise.reject(new Error('unused')) },
    },
    ownership: { owns: async () => owned, remember: () => undefined, forget: () => undefined },
    claimLimiter: { lockedForSeconds: () => undefined, recordFailure: () => undefined },
  },
  access: { get: () => accessResult() as never },
  log: silentLog,
  config: { iotEndpoint: 'abc-ats.iot.us-east-1.amazonaws.com', region: 'us-east-1' },
  newCommandId: () => 'cmd-1',
  ensureOnboarding: (user: { sub: string; username: string; onboardedAttribute?: string | undefined }) => {
    ensured.push(user);
    return ensureResult();
  },
};

function event(overrides: { routeKey?: string; thingName?: string; body?: string; claims?: Record<string, unknown> | null; base64?: boolean } = {}) {
  return {
    version: '2.0',
    routeKey: overrides.routeKey ?? ApiRoutes.PublishCommand,
    pathParameters: { thingName: overrides.thingName ?? 'device_kitchen' },
    body: overrides.body ?? '{"power":"OFF"}',
    isBase64Encoded: overrides.base64 ?? false,
    requestContext: {
      requestId: 'req-1',
      ...(overrides.claims === null ? {} : { authorizer: { jwt: { claims: overrides.claims ?? { sub: SUB, 'cognito:username': 'alice', token_use: 'id' } } } }),
    },
  };
}

async function call(e: unknown) {
  const response = await handleApiRequest(e, deps);
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) as Record<string, unknown> };
}

describe('command API', () => {
  beforeEach(() => {
    iotMock.reset();
    ensured = [];
    ensureResult = async () => 'started';
    owned = true;
    accessResult = async () => ({ identityId: IDENTITY_ID, token: 'tok', tokenExpiresAt: Date.parse('2030-01-01'), credentialsExpireAt: 0, iotData });
  });

  it("publishes the desired state to the caller's twin of the device (own namespace) with QoS 1 and answers 202", async () => {
    iotMock.on(PublishCommand).resolves({});
    const { status, body } = await call(event());
    expect(status).toBe(202);
    expect(body).toEqual({ commandId: 'cmd-1', thingName: 'device_kitchen', topic: `$aws/things/${IDENTITY_ID}/shadow/name/device_kitchen/update` });
    const input = iotMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.topic).toBe(`$aws/things/${IDENTITY_ID}/shadow/name/device_kitchen/update`);
    expect(input?.qos).toBe(1);
    expect(JSON.parse(new TextDecoder().decode(input?.payload as Uint8Array))).toEqual({ state: { desired: { power: 'OFF' } }, clientToken: 'cmd-1' });
  });

  it('answers 404 DeviceNotFound and publishes nothing when the caller does not own the device', async () => {
    owned = false;
    iotMock.on(PublishCommand).resolves({});
    const { status, body } = await call(event());
    expect(status).toBe(404);
    expect(body.error).toBe('DeviceNotFound');
    expect(iotMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('answers 502 UpstreamFailure at its deadline when AWS hangs, before the HTTP API would time out', async () => {
    vi.useFakeTimers();
    try {
      accessResult = () => new Promise(() => undefined);
      const pending = handleApiRequest(event(), { ...deps, deadlineMs: 24_000 });
      await vi.advanceTimersByTimeAsync(24_000);
      const response = await pending;
      expect(response.statusCode).toBe(502);
      expect(JSON.parse(response.body).error).toBe('UpstreamFailure');
    } finally {
      vi.useRealTimers();
    }
  });

  it('accepts a base64-encoded body', async () => {
    iotMock.on(PublishCommand).resolves({});
    const { status } = await call(event({ body: Buffer.from('{"power":"ON"}').toString('base64'), base64: true }));
    expect(status).toBe(202);
  });

  it('answers 401 for an access token, naming the token use it expects', async () => {
    const { status, body } = await call(event({ claims: { sub: SUB, username: 'alice', token_use: 'access' } }));
    expect(status).toBe(401);
    expect(body.message).toMatch(/ID token \(token_use "id"\).*"access"/);
    expect(iotMock.calls()).toHaveLength(0);
  });

  it.each([
    ['a wildcard', 'device_+', /wildcard/],
    ['a multi-level wildcard', 'device_#', /wildcard/],
    ['a reserved character', 'device_a$b', /reserved/],
    ['a name over 128 characters', 'd'.repeat(129), /of 129 characters is too long: a device name is at most 64/],
    ['a name of 65 characters (a thing, but never a twin)', 'd'.repeat(65), /at most 64 characters, the limit of the shadow name/],
    ['a space', 'device one', /characters outside a-z A-Z 0-9 : _ -/],
    ['an identity-id shape', 'eu-west-1:0f3c2a9e-1b2c-4d5e-8f90-123456789abc', /shape of an identity id/],
    ['an empty name', '', /empty; a device name is 1-64 characters/],
  ])('rejects a thing name with %s as 400 InvalidThingName', async (_label, thingName, message) => {
    const { status, body } = await call(event({ thingName }));
    expect(status).toBe(400);
    expect(body.error).toBe('InvalidThingName');
    expect(body.message).toMatch(message);
    expect(iotMock.calls()).toHaveLength(0);
  });

  it.each([
    ['no body', '', /must be a JSON object/],
    ['invalid JSON', '{power:', /not valid JSON/],
    ['an array', '[1,2]', /must be a JSON object/],
    ['a string', '"OFF"', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['an empty object', '{}', /empty/],
    ['state nested 7 levels deep', JSON.stringify({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } }), /nests deeper than 6 levels; the shadow limit is 6/],
    ['60,000 levels of nesting (120 KB)', `{"a":${'['.repeat(60_000)}${']'.repeat(60_000)}}`, /nests deeper than 6 levels/],
  ])('rejects %s as 400 InvalidCommand', async (_label, body, message) => {
    const response = await call(event({ body }));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('InvalidCommand');
    expect(response.body.message).toMatch(message);
  });

  it('rejects a desired state over the 8 KB shadow limit as 400 CommandTooLarge', async () => {
    const { status, body } = await call(event({ body: JSON.stringify({ blob: 'x'.repeat(8200) }) }));
    expect(status).toBe(400);
    expect(body.error).toBe('CommandTooLarge');
    expect(body.message).toMatch(/8192/);
  });

  it('answers 401 Unauthenticated when the request carries no authorizer claims', async () => {
    const { status, body } = await call(event({ claims: null }));
    expect(status).toBe(401);
    expect(body.error).toBe('Unauthenticated');
  });

  it('answers 403 PublishDenied when IoT Core refuses the publish, without the AWS message', async () => {
    iotMock.on(PublishCommand).rejects(awsError('ForbiddenException', 403, 'internal policy detail'));
    const { status, body } = await call(event({ thingName: 'other_thing' }));
    expect(status).toBe(403);
    expect(body.error).toBe('PublishDenied');
    expect(JSON.stringify(body)).not.toContain('internal policy detail');
  });

  it('answers 409 NotOnboarded with Retry-After and ensures that user\'s onboarding', async () => {
    accessResult = async () => {
      throw new NotOnboardedError({ sub: SUB, username: 'alice' });
    };
    const { status, headers, body } = await call(event());
    expect(status).toBe(409);
    expect(body.error).toBe('NotOnboarded');
    expect(headers['retry-after']).toBe(String(NOT_ONBOARDED_RETRY_AFTER_SECONDS));
    expect(ensured).toEqual([{ sub: SUB, username: 'alice', onboardedAttribute: undefined }]);
  });

  it('still answers 409 with Retry-After when ensuring the onboarding fails (the retry tries again)', async () => {
    accessResult = async () => {
      throw new NotOnboardedError({ sub: SUB, username: 'alice' });
    };
    ensureResult = async () => {
      throw awsError('ServiceUnavailable', 503);
    };
    const { status, headers } = await call(event({ routeKey: ApiRoutes.GetCredentials }));
    expect(status).toBe(409);
    expect(headers['retry-after']).toBe(String(NOT_ONBOARDED_RETRY_AFTER_SECONDS));
  });

  it('passes an offboarded user\'s marker on, so the onboarding name after re-enabling is a fresh one', async () => {
    accessResult = async () => {
      throw new NotOnboardedError({ sub: SUB, username: 'alice', onboardedVersion: 'off-1764590000' });
    };
    expect((await call(event())).status).toBe(409);
    expect(ensured).toEqual([{ sub: SUB, username: 'alice', onboardedAttribute: 'off-1764590000' }]);
  });

  it('ensures no onboarding for other rejections', async () => {
    accessResult = async () => {
      throw new ApiError('Unauthenticated', 'This user is disabled');
    };
    const { status } = await call(event());
    expect(status).toBe(401);
    expect(ensured).toEqual([]);
  });

  it('answers 429 Throttled when IoT Core throttles', async () => {
    iotMock.on(PublishCommand).rejects(awsError('ThrottlingException', 429));
    expect((await call(event())).body.error).toBe('Throttled');
  });

  it('answers 502 UpstreamFailure on an IoT Core 5xx, without the AWS message', async () => {
    iotMock.on(PublishCommand).rejects(awsError('InternalFailureException', 500, 'stack trace here'));
    const { status, body } = await call(event());
    expect(status).toBe(502);
    expect(body.error).toBe('UpstreamFailure');
    expect(JSON.stringify(body)).not.toContain('stack trace');
  });

  it('answers 400 CommandTooLarge for a 1.2 MB body of 100,000 nested levels, before parsing it', async () => {
    const body = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`.padEnd(1_200_000, ' ');
    const { status, body: answer } = await call(event({ body }));
    expect(status).toBe(400);
    expect(answer).toMatchObject({ error: 'CommandTooLarge', message: expect.stringMatching(/over 128 KB/) });
  });

  it('does not count brackets inside strings as nesting', async () => {
    iotMock.on(PublishCommand).resolves({});
    expect((await call(event({ body: JSON.stringify({ note: '[[[[[[[[{{{{{{{{' }) }))).status).toBe(202);
  });

  it('answers 502 for an unexpected failure rather than leaking it', async () => {
    accessResult = async () => {
      throw new TypeError('boom at line 3');
    };
    const { status, body } = await call(event());
    expect(status).toBe(502);
    expect(JSON.stringify(body)).not.toContain('boom');
  });

  it('answers 404 RouteNotFound for an unknown route', async () => {
    expect((await call(event({ routeKey: 'DELETE /devices/{thingName}' }))).status).toBe(404);
  });

  it('answers 400 for an event that is not an HTTP API request', async () => {
    expect((await call({ hello: 'world' })).status).toBe(400);
  });

  it('returns the caller\'s identity, OpenID token and the IoT endpoint on GET /iot/credentials', async () => {
    const { status, body } = await call(event({ routeKey: ApiRoutes.GetCredentials, body: '' }));
    expect(status).toBe(200);
    expect(body).toEqual({
      identityId: IDENTITY_ID,
      token: 'tok',
      tokenExpiresAt: '2030-01-01T00:00:00.000Z',
      iotEndpoint: 'abc-ats.iot.us-east-1.amazonaws.com',
      region: 'us-east-1',
    });
  });
});

describe('claim limits at the API', () => {
  let now = 1_700_000_000;
  const claimEvent = (sub: string, claimCode: string) =>
    event({ routeKey: ApiRoutes.ClaimDevice, body: JSON.stringify({ claimCode }), claims: { sub, 'cognito:username': sub, token_use: 'id' } });
  const withLimiter = (registry = deps.devices.registry) => ({
    ...deps,
    devices: { ...deps.devices, registry, claimLimiter: new CallerClaimLimiter(() => now) },
  });
  beforeEach(() => {
    accessResult = async () => ({ identityId: IDENTITY_ID, token: 'tok', tokenExpiresAt: 0, credentialsExpireAt: 0, iotData });
  });

  it(`answers 429 ClaimRateLimited with Retry-After to a caller after ${CLAIM_GUARD.failures} wrong codes, before any registry call`, async () => {
    const api = withLimiter();
    for (let i = 0; i < CLAIM_GUARD.failures; i++) {
      expect((await handleApiRequest(claimEvent(SUB, 'not-a-code'), api)).statusCode).toBe(403);
      now += 2;
    }
    const limited = await handleApiRequest(claimEvent(SUB, 'not-a-code'), api);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe(String(CLAIM_GUARD.windowSeconds - 2 * CLAIM_GUARD.failures));
    expect(JSON.parse(limited.body)).toMatchObject({ error: 'ClaimRateLimited', message: expect.stringMatching(/retry after 50 s/) });
    // Counted per caller: the next user is answered as usual.
    accessResult = async () => ({ identityId: 'us-east-1:22222222-2222-4222-8222-222222222222', token: 'tok', tokenExpiresAt: 0, credentialsExpireAt: 0, iotData });
    expect((await handleApiRequest(claimEvent('other-sub', 'not-a-code'), api)).statusCode).toBe(403);
  });

  it("answers 429 with the device's remaining window when the device is past its limit", async () => {
    const lockedHash = `${'a'.repeat(32)}.${'b'.repeat(64)}.${now - 20}.${CLAIM_GUARD.failures}`;
    const registry = {
      iot: {
        describeThing: async () => ({ thingName: 'device_kitchen', version: 9, attributes: { claimHash: lockedHash } }),
        updateThing: () => Promise.reject(new Error('a locked device is not written')),
        listThings: () => Promise.reject(new Error('unused')),
      },
      iotData: { send: () => Promise.reject(new Error('unused')) },
      now: () => now * 1000,
    };
    const response = await handleApiRequest(claimEvent(SUB, 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA'), withLimiter(registry as never));
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe(String(CLAIM_GUARD.windowSeconds - 20));
  });
});

import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveIdentity } from '../../../../../functions/onboarding/resolve-identity/core';
import { awsError, IDENTITY_ID, SUB } from '../../../fixtures';

const identityMock = mockClient(CognitoIdentityClient);
const deps = {
  cognitoIdentity: new CognitoIdentityClient({ region: 'us-east-1' }),
  pool: { identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555', developerProviderName: 'iot-onboarding.test' },
};

describe('resolve-identity task', () => {
  beforeEach(() => identityMock.reset());

  it('resolves the developer identity keyed by the user-pool sub', async () => {
    identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Token: 'jwt' });
    await resolveIdentity({ sub: SUB }, deps);
    expect(identityMock.commandCalls(GetOpenIdTokenForDeveloperIdentityCommand)[0]?.args[0].input).toEqual({
      IdentityPoolId: deps.pool.identityPoolId,
      Logins: { 'iot-onboarding.test': SUB },
    });
  });

  it('returns only the identity id, never the OpenID token', async () => {
    identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).resolves({ IdentityId: IDENTITY_ID, Token: 'secret-jwt' });
    const result = await resolveIdentity({ sub: SUB }, deps);
    expect(result).toEqual({ identityId: IDENTITY_ID });
    expect(JSON.stringify(result)).not.toContain('secret-jwt');
  });

  it('throws UpstreamThrottled when Cognito throttles, so the workflow retries', async () => {
    identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).rejects(awsError('TooManyRequestsException', 429));
    await expect(resolveIdentity({ sub: SUB }, deps)).rejects.toMatchObject({ name: 'UpstreamThrottled' });
  });

  it('throws UpstreamUnavailable on a Cognito 5xx', async () => {
    identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).rejects(awsError('InternalErrorException', 500));
    await expect(resolveIdentity({ sub: SUB }, deps)).rejects.toMatchObject({ name: 'UpstreamUnavailable' });
  });

  it('throws UpstreamRejected when Cognito refuses for good', async () => {
    identityMock.on(GetOpenIdTokenForDeveloperIdentityCommand).rejects(awsError('ResourceConflictException', 400));
    await expect(resolveIdentity({ sub: SUB }, deps)).rejects.toMatchObject({ name: 'UpstreamRejected' });
  });

  it('rejects input without a uuid sub as InvalidInput, naming what it expects', async () => {
    await expect(resolveIdentity({ sub: 'alice' }, deps)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('"sub"'),
    });
    expect(identityMock.calls()).toHaveLength(0);
  });
});

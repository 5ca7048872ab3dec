import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoIdentity } from '../../../sandbox/services/cognito-identity';
import { startCognitoIdp } from '../../../sandbox/services/cognito-idp';
import { CredentialStore } from '../../../sandbox/wire/credentials';
import { FaultInjector } from '../../../sandbox/wire/faults';
import { startIotCore } from '../../../sandbox/services/iot/core';
import { startStepFunctions } from '../../../sandbox/services/stepfunctions/service';

const store = new CredentialStore();
const faults = new FaultInjector();
const closers: Array<() => Promise<void>> = [];
const urls: Record<string, string> = {};

beforeAll(async () => {
  const idp = await startCognitoIdp({ faults, store });
  const identity = await startCognitoIdentity({ faults, store });
  const iot = await startIotCore({ faults, store });
  const sfn = await startStepFunctions({ faults, store });
  closers.push(() => idp.close(), () => identity.close(), () => iot.close(), () => sfn.close());
  Object.assign(urls, { idp: idp.url, identity: identity.url, control: iot.controlPlaneUrl, data: iot.dataPlaneUrl, sfn: sfn.url });
});

afterAll(async () => {
  for (const close of closers) await close();
});

const json = (prefix: string, operation: string, contentType = 'application/x-amz-json-1.1') => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': contentType, 'x-amz-target': `${prefix}.${operation}` },
  body: '{}',
});

// One IAM-authorized operation per wire front, called without a signature.
const cases = [
  { fault: 'cognito-idp:AdminGetUser', url: 'idp', request: json('AWSCognitoIdentityProviderService', 'AdminGetUser') },
  { fault: 'cognito-idp:DescribeUserPoolClient', url: 'idp', request: json('AWSCognitoIdentityProviderService', 'DescribeUserPoolClient') },
  { fault: 'cognito-identity:DeleteIdentities', url: 'identity', request: json('AWSCognitoIdentityService', 'DeleteIdentities') },
  { fault: 'cognito-identity:LookupDeveloperIdentity', url: 'identity', request: json('AWSCognitoIdentityService', 'LookupDeveloperIdentity') },
  { fault: 'iot:AttachPolicy', url: 'control', request: { method: 'PUT', path: '/target-policies/p', headers: { 'content-type': 'application/json' }, body: '{"target":"t"}' } },
  { fault: 'iot:GetThingShadow', url: 'data', request: { method: 'GET', path: '/things/t/shadow', headers: {}, body: undefined } },
  { fault: 'states:StartExecution', url: 'sfn', request: json('AWSStepFunctions', 'StartExecution', 'application/x-amz-json-1.0') },
] as const;

describe('injected faults apply only after SigV4 verification', () => {
  it.each(cases)('an unsigned $fault call is refused without consuming the armed fault', async ({ fault, url, request }) => {
    faults.set(fault, { failNext: 1 });
    const res = await fetch(`${urls[url]}${request.path}`, { method: request.method, headers: request.headers, ...(request.body ? { body: request.body } : {}) });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(faults.stats(fault)).toMatchObject({ calls: 0, failed: 0 });
    faults.set(fault, undefined);
  });
});

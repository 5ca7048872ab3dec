import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../sandbox/wire/account';
import { CredentialStore } from '../../../sandbox/wire/credentials';
import { FaultInjector } from '../../../sandbox/wire/faults';
import { startIotCore, type IotCore } from '../../../sandbox/services/iot/core';
import { Sha256 } from '../../../functions/shared/aws/sha256';
import { startStepFunctions, type StepFunctionsService } from '../../../sandbox/services/stepfunctions/service';

let core: IotCore;
let sfn: StepFunctionsService;

beforeAll(async () => {
  const store = new CredentialStore();
  const faults = new FaultInjector();
  core = await startIotCore({ store, faults });
  sfn = await startStepFunctions({ store, faults });
});

afterAll(async () => {
  await core.close();
  await sfn.close();
});

/** Signs a request with the given signing name, as a client built on an older or newer service model would. */
async function send(endpoint: string, service: string, init: { method: string; path: string; headers?: Record<string, string>; body?: string }) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: SANDBOX_BACKEND_CREDENTIALS, sha256: Sha256 });
  const signed = await signer.sign({
    method: init.method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: init.path,
    query: {},
    headers: { host: url.host, ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const res = await fetch(`${url.origin}${init.path}`, { method: init.method, headers: signed.headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), body: await res.text() };
}

describe('SigV4 signing names', () => {
  it.each(['iot', 'execute-api'])('accepts IoT control-plane calls signed as %s', async (service) => {
    const res = await send(core.controlPlaneUrl, service, { method: 'GET', path: '/policies' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveProperty('policies');
  });

  it('refuses IoT control-plane calls signed for another service, naming the expected one', async () => {
    const res = await send(core.controlPlaneUrl, 'iotdata', { method: 'GET', path: '/policies' });
    expect(res.status).toBe(403);
    expect(res.errorType).toBe('InvalidSignatureException');
    expect(JSON.parse(res.body)).toMatchObject({ message: "Credential should be scoped to correct service: 'iot'." });
  });

  it('accepts Step Functions calls signed as states only', async () => {
    const call = (service: string) =>
      send(sfn.url, service, {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
        body: '{}',
      });
    expect((await call('states')).status).toBe(200);
    const refused = await call('execute-api');
    expect([refused.status, refused.errorType]).toEqual([403, 'InvalidSignatureException']);
  });
});

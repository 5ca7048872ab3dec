import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  DetachPolicyCommand,
  IoTClient,
  ListAttachedPoliciesCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BACKEND_CREDENTIALS } from '../../../../sandbox/wire/account';
import { CredentialStore } from '../../../../sandbox/wire/credentials';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import { startIotCore, type IotCore } from '../../../../sandbox/services/iot/core';
import { createSandboxTlsMaterial, type SandboxTlsMaterial } from '../../../../sandbox/services/iot/tls';

let core: IotCore;
let iot: IoTClient;
let tls: SandboxTlsMaterial;

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as { name: string; $metadata: { httpStatusCode?: number } });
const create = (setAsActive = true) => iot.send(new CreateKeysAndCertificateCommand({ setAsActive }));

beforeAll(async () => {
  tls = await createSandboxTlsMaterial();
  core = await startIotCore({ store: new CredentialStore(), faults: new FaultInjector(), tls });
  iot = new IoTClient({ region: 'us-east-1', endpoint: core.controlPlaneUrl, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });
  await iot.send(new CreatePolicyCommand({ policyName: 'device', policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] }) }));
});

afterAll(async () => {
  iot.destroy();
  await core.close();
});

describe('IoT certificates (client-iot)', () => {
  it('issues an RSA 2048 key and a certificate signed by the sandbox CA, id = SHA-256 of the DER', async () => {
    const out = await create();
    const x509 = new X509Certificate(out.certificatePem ?? '');
    expect(out.certificateId).toBe(createHash('sha256').update(x509.raw).digest('hex'));
    expect(out.certificateArn).toBe(`arn:aws:iot:us-east-1:000000000000:cert/${out.certificateId}`);
    expect(x509.verify(new X509Certificate(tls.caPem).publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(out.keyPair?.PrivateKey ?? ''))).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('creates the certificate ACTIVE with setAsActive and INACTIVE without', async () => {
    const active = await create(true);
    const inactive = await create(false);
    expect((await iot.send(new DescribeCertificateCommand({ certificateId: active.certificateId }))).certificateDescription?.status).toBe('ACTIVE');
    const described = (await iot.send(new DescribeCertificateCommand({ certificateId: inactive.certificateId }))).certificateDescription;
    expect(described).toMatchObject({ status: 'INACTIVE', certificateArn: inactive.certificateArn, certificatePem: inactive.certificatePem });
    expect(described?.creationDate).toBeInstanceOf(Date);
  });

  it('moves a certificate between ACTIVE and INACTIVE, and never out of REVOKED', async () => {
    const { certificateId } = await create();
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'ACTIVE' }));
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'REVOKED' }));
    const error = await failure(iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'ACTIVE' })));
    expect(error?.name).toBe('CertificateStateException');
    expect((await iot.send(new DescribeCertificateCommand({ certificateId }))).certificateDescription?.status).toBe('REVOKED');
  });

  it('answers ResourceNotFoundException for an unknown certificate', async () => {
    const certificateId = 'ab'.repeat(32);
    expect((await failure(iot.send(new DescribeCertificateCommand({ certificateId }))))?.name).toBe('ResourceNotFoundException');
    expect((await failure(iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }))))?.name).toBe('ResourceNotFoundException');
  });

  it('attaches, lists and detaches policies on a certificate ARN', async () => {
    const { certificateArn } = await create();
    await iot.send(new AttachPolicyCommand({ policyName: 'device', target: certificateArn }));
    expect((await iot.send(new ListAttachedPoliciesCommand({ target: certificateArn }))).policies?.map((p) => p.policyName)).toEqual(['device']);
    await iot.send(new DetachPolicyCommand({ policyName: 'device', target: certificateArn }));
    expect((await iot.send(new ListAttachedPoliciesCommand({ target: certificateArn }))).policies).toEqual([]);
  });

  it('refuses to delete an active certificate, or one still attached to a thing or (without forceDelete) a policy', async () => {
    const { certificateId, certificateArn } = await create();
    expect((await failure(iot.send(new DeleteCertificateCommand({ certificateId }))))?.name).toBe('CertificateStateException');
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
    await iot.send(new AttachPolicyCommand({ policyName: 'device', target: certificateArn }));
    expect((await failure(iot.send(new DeleteCertificateCommand({ certificateId }))))?.name).toBe('DeleteConflictException');
    const thingName = `cert-thing-${String(certificateId).slice(0, 8)}`;
    await iot.send(new CreateThingCommand({ thingName }));
    await iot.send(new AttachThingPrincipalCommand({ thingName, principal: certificateArn }));
    expect((await failure(iot.send(new DeleteCertificateCommand({ certificateId, forceDelete: true }))))?.name).toBe('DeleteConflictException');
  });

  it('deletes an inactive certificate with policies attached when forced', async () => {
    const { certificateId, certificateArn } = await create(false);
    await iot.send(new AttachPolicyCommand({ policyName: 'device', target: certificateArn }));
    await iot.send(new DeleteCertificateCommand({ certificateId, forceDelete: true }));
    expect((await failure(iot.send(new DescribeCertificateCommand({ certificateId }))))?.name).toBe('ResourceNotFoundException');
  });
});

import { randomUUID } from 'node:crypto';
import { AttachPolicyCommand, CreatePolicyCommand, IoTClient, TestAuthorizationCommand, type AuthInfo } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iotArn } from '../../../../sandbox/services/iot/authorization';
import { fileFixture } from '../../../support/file-fixture';
import { iotCoreFixture, REGION, ROLE, template } from '../../../support/iot-core-fixture';

const POLICY = 'iot-onboarding-user';
const DENY_POLICY = 'deny-shadow-deletes';
const policyArn = (name: string) => `arn:aws:iot:us-east-1:000000000000:policy/${name}`;

const sandbox = fileFixture(() => iotCoreFixture());
const clients: IoTClient[] = [];

const newIdentityId = () => `${REGION}:${randomUUID()}`;
const shadowUpdate = (identityId: string): AuthInfo => ({ actionType: 'PUBLISH', resources: [iotArn('topic', `$aws/things/${identityId}/shadow/update`)] });

async function onboarded(): Promise<string> {
  const identityId = newIdentityId();
  await sandbox.iot.send(new AttachPolicyCommand({ policyName: POLICY, target: identityId }));
  return identityId;
}

beforeAll(async () => {
  await sandbox.iot.send(new CreatePolicyCommand({ policyName: POLICY, policyDocument: JSON.stringify(template) }));
  await sandbox.iot.send(
    new CreatePolicyCommand({
      policyName: DENY_POLICY,
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'iot:Publish', Resource: iotArn('topic', '$aws/things/*/shadow/delete') }],
      }),
    }),
  );
});

afterAll(() => {
  for (const c of clients) c.destroy();
});

describe('IoT TestAuthorization (client-iot)', () => {
  it('allows an identity to publish to its own shadow and names the policy that allowed it', async () => {
    const identityId = await onboarded();
    const out = await sandbox.iot.send(new TestAuthorizationCommand({ principal: identityId, authInfos: [shadowUpdate(identityId)] }));
    expect(out.authResults).toEqual([
      {
        authInfo: shadowUpdate(identityId),
        allowed: { policies: [{ policyName: POLICY, policyArn: policyArn(POLICY) }] },
        denied: { implicitDeny: { policies: [] }, explicitDeny: { policies: [] } },
        authDecision: 'ALLOWED',
        missingContextValues: [],
      },
    ]);
  });

  it('implicitly denies a publish to another identity shadow, naming the policies evaluated', async () => {
    const identityId = await onboarded();
    const out = await sandbox.iot.send(new TestAuthorizationCommand({ principal: identityId, authInfos: [shadowUpdate(newIdentityId())] }));
    expect(out.authResults?.[0]).toMatchObject({
      authDecision: 'IMPLICIT_DENY',
      allowed: { policies: [] },
      denied: { implicitDeny: { policies: [{ policyName: POLICY }] }, explicitDeny: { policies: [] } },
    });
  });

  it('implicitly denies everything to a principal without an attached policy', async () => {
    const identityId = newIdentityId();
    const out = await sandbox.iot.send(
      new TestAuthorizationCommand({ principal: identityId, authInfos: [shadowUpdate(identityId), { actionType: 'CONNECT', resources: [iotArn('client', identityId)] }] }),
    );
    expect(out.authResults?.map((r) => r.authDecision)).toEqual(['IMPLICIT_DENY', 'IMPLICIT_DENY']);
    expect(out.authResults?.[0]?.denied?.implicitDeny?.policies).toEqual([]);
  });

  it('evaluates policyNamesToAdd as if they were attached', async () => {
    const identityId = newIdentityId();
    const out = await sandbox.iot.send(new TestAuthorizationCommand({ principal: identityId, authInfos: [shadowUpdate(identityId)], policyNamesToAdd: [POLICY] }));
    expect(out.authResults?.[0]?.authDecision).toBe('ALLOWED');
  });

  it('leaves policyNamesToSkip out of the evaluation', async () => {
    const identityId = await onboarded();
    const out = await sandbox.iot.send(new TestAuthorizationCommand({ principal: identityId, authInfos: [shadowUpdate(identityId)], policyNamesToSkip: [POLICY] }));
    expect(out.authResults?.[0]?.authDecision).toBe('IMPLICIT_DENY');
  });

  it('reports an explicit deny over an allow, naming the denying policy', async () => {
    const identityId = await onboarded();
    const deleteTopic: AuthInfo = { actionType: 'PUBLISH', resources: [iotArn('topic', `$aws/things/${identityId}/shadow/delete`)] };
    const out = await sandbox.iot.send(new TestAuthorizationCommand({ principal: identityId, authInfos: [deleteTopic], policyNamesToAdd: [DENY_POLICY] }));
    expect(out.authResults?.[0]).toMatchObject({
      authDecision: 'EXPLICIT_DENY',
      allowed: { policies: [{ policyName: POLICY }] },
      denied: { explicitDeny: { policies: [{ policyName: DENY_POLICY, policyArn: policyArn(DENY_POLICY) }] } },
    });
  });

  it('resolves the identity id in CONNECT resources: its own client id only', async () => {
    const identityId = await onboarded();
    const out = await sandbox.iot.send(
      new TestAuthorizationCommand({
        principal: identityId,
        clientId: identityId,
        authInfos: [
          { actionType: 'CONNECT', resources: [iotArn('client', identityId)] },
          { actionType: 'CONNECT', resources: [iotArn('client', 'my-laptop')] },
        ],
      }),
    );
    expect(out.authResults?.map((r) => r.authDecision)).toEqual(['ALLOWED', 'IMPLICIT_DENY']);
  });

  it('answers ResourceNotFoundException for an unknown policy to add', async () => {
    const error = await sandbox.iot
      .send(new TestAuthorizationCommand({ principal: newIdentityId(), authInfos: [shadowUpdate(newIdentityId())], policyNamesToAdd: ['no-such-policy'] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it('refuses an empty authInfos list with InvalidRequestException worded as AWS words validation errors', async () => {
    const error = await sandbox.iot.send(new TestAuthorizationCommand({ principal: newIdentityId(), authInfos: [] })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'InvalidRequestException',
      message: "1 validation error detected: Value [] at 'authInfos' failed to satisfy constraint: Member must have length greater than or equal to 1",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses a caller signed with Cognito identity credentials (backend only)', async () => {
    const identityId = await onboarded();
    const credentials = sandbox.store.issueForIdentity(identityId, ROLE);
    const asIdentity = new IoTClient({ region: REGION, endpoint: sandbox.core.controlPlaneUrl, credentials, maxAttempts: 1 });
    clients.push(asIdentity);
    const error = await asIdentity.send(new TestAuthorizationCommand({ principal: identityId, authInfos: [shadowUpdate(identityId)] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  });
});

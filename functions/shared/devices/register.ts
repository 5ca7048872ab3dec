import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { CLAIM_HASH_ATTRIBUTE, generateClaimCode, hashClaimCode } from './claim-code';
import { assertDeviceName } from './device-name';

/** What registering a device yields; the claim code and private key exist nowhere else. */
export interface RegisteredDevice {
  readonly thingName: string;
  readonly claimCode: string;
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly certificatePem: string;
  readonly privateKey: string;
}

/**
 * Registers a device (design section 8): CreateThing with the claim code's salted hash as an
 * attribute, CreateKeysAndCertificate (ACTIVE), AttachPolicy (the device policy) on the
 * certificate, AttachThingPrincipal. The admin CLI and the sandbox use it alike. A name that
 * cannot be both a thing and a twin name is refused before any call (InvalidThingName).
 */
export async function registerDevice(iot: Pick<IoTClient, 'send'>, input: { thingName: string; policyName: string }): Promise<RegisteredDevice> {
  assertDeviceName(input.thingName);
  const claimCode = generateClaimCode();
  await iot.send(
    new CreateThingCommand({ thingName: input.thingName, attributePayload: { attributes: { [CLAIM_HASH_ATTRIBUTE]: hashClaimCode(claimCode) } } }),
  );
  const created = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  const { certificateArn, certificateId, certificatePem } = created;
  const privateKey = created.keyPair?.PrivateKey;
  if (!certificateArn || !certificateId || !certificatePem || !privateKey) throw new Error('CreateKeysAndCertificate answered without a certificate or key');
  await iot.send(new AttachPolicyCommand({ policyName: input.policyName, target: certificateArn }));
  await iot.send(new AttachThingPrincipalCommand({ thingName: input.thingName, principal: certificateArn }));
  return { thingName: input.thingName, claimCode, certificateId, certificateArn, certificatePem, privateKey };
}

import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

/** What a registered device holds: its thing name, certificate and private key. */
export interface DeviceCredentials {
  readonly thingName: string;
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly certificatePem: string;
  readonly privateKey: string;
}

/**
 * Registers a device the way an operator does on AWS, through the real SDK: CreateThing,
 * CreateKeysAndCertificate (ACTIVE), AttachPolicy (the device policy) on the certificate,
 * AttachThingPrincipal.
 */
export async function registerDevice(iot: IoTClient, input: { thingName: string; policyName: string }): Promise<DeviceCredentials> {
  await iot.send(new CreateThingCommand({ thingName: input.thingName }));
  const created = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
  const { certificateArn, certificateId, certificatePem } = created;
  const privateKey = created.keyPair?.PrivateKey;
  if (!certificateArn || !certificateId || !certificatePem || !privateKey) throw new Error('CreateKeysAndCertificate answered without a certificate or key');
  await iot.send(new AttachPolicyCommand({ policyName: input.policyName, target: certificateArn }));
  await iot.send(new AttachThingPrincipalCommand({ thingName: input.thingName, principal: certificateArn }));
  return { thingName: input.thingName, certificateId, certificateArn, certificatePem, privateKey };
}

/**
 * Connects a device with mqtt.js over mutual TLS to the X.509 endpoint (`mqtts://`, no ALPN: AWS's
 * port 8883), with its thing name as client id unless told otherwise.
 */
export function connectDevice(
  url: string,
  caPem: string,
  device: Pick<DeviceCredentials, 'thingName' | 'certificatePem' | 'privateKey'>,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return connectAsync(url, {
    clientId: device.thingName,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ca: caPem,
    cert: device.certificatePem,
    key: device.privateKey,
    ...options,
  });
}

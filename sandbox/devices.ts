import type { IoTClient } from '@aws-sdk/client-iot';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

import { registerDevice as register, type RegisteredDevice } from '../functions/shared/devices/register';

/** What a registered device holds: its thing name, certificate, private key (and its label's claim code). */
export type DeviceCredentials = RegisteredDevice;

/** Registers a device the way an operator does on AWS, through the real SDK (the admin CLI's core). */
export function registerDevice(iot: IoTClient, input: { thingName: string; policyName: string }): Promise<DeviceCredentials> {
  return register(iot, input);
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

import { iot, mqtt } from 'aws-iot-device-sdk-v2';

/** What aws-crt's `build()` prints for a custom-authorizer connection on any port but 443 (node_modules/aws-crt/dist/native/aws_iot.js). */
export const AWS_CRT_PORT_WARNING = 'Warning: Attempting to connect to authorizer with unsupported port. Port is not 443...';

/**
 * `builder.build()` for a custom-authorizer connection to a sandbox listener. AWS serves custom
 * authentication on 443 only, so aws-crt warns at every build on another port; the sandbox's
 * listeners are on ephemeral ports, and the warning, repeated by every such test, says nothing
 * there. Only that one line is dropped; anything else printed meanwhile passes through.
 */
export function buildForSandboxPort(builder: iot.AwsIotMqttConnectionConfigBuilder): mqtt.MqttConnectionConfig {
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (!(args.length === 1 && args[0] === AWS_CRT_PORT_WARNING)) log(...args);
  };
  try {
    return builder.build();
  } finally {
    console.log = log;
  }
}

/** Connects the device-SDK connection, runs `use`, and disconnects it afterwards (also when `use` failed). */
export async function whileConnected<T>(conn: mqtt.MqttClientConnection, use: () => Promise<T>): Promise<T> {
  try {
    await conn.connect();
    return await use();
  } finally {
    await conn.disconnect().catch(() => undefined);
  }
}

/**
 * Publishes `reported` to the thing's classic shadow over a connected device-SDK connection,
 * subscribed first to update/accepted and update/delta: the update/accepted document.
 */
export async function reportToShadow(conn: mqtt.MqttClientConnection, thingName: string, reported: Record<string, unknown>): Promise<Record<string, unknown>> {
  const shadow = `$aws/things/${thingName}/shadow`;
  const accepted = new Promise<Record<string, unknown>>((resolve) => {
    void conn.subscribe(`${shadow}/update/accepted`, mqtt.QoS.AtLeastOnce, (_topic, payload) => resolve(JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>));
  });
  // subscribe() resolves on SUBACK; publish only after it so the answer cannot be missed.
  await conn.subscribe(`${shadow}/update/delta`, mqtt.QoS.AtLeastOnce);
  await conn.publish(`${shadow}/update`, JSON.stringify({ state: { reported } }), mqtt.QoS.AtLeastOnce);
  return accepted;
}

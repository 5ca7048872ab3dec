import { mqtt } from 'aws-iot-device-sdk-v2';

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

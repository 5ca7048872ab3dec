import mqtt from 'mqtt';
import type { CommandApi } from './api';
import type { WebConfig } from './config';
import { presignMqttUrl, type TemporaryCredentials } from './sigv4';

/** What `GET /iot/credentials` answers (README, "The client flow"). */
export interface IotAccess {
  readonly identityId: string;
  readonly token: string;
  readonly iotEndpoint: string;
  readonly region: string;
}

/** How long a twin's /get may take before the device is shown as "no report". */
const GET_TIMEOUT_MS = 5_000;

/** GetCredentialsForIdentity with the OpenID token (an unsigned Cognito identity call, JSON 1.1). */
async function credentialsFor(config: WebConfig, access: IotAccess): Promise<TemporaryCredentials> {
  const endpoint = config.cognitoIdentityEndpoint ?? `https://cognito-identity.${config.region}.amazonaws.com/`;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetCredentialsForIdentity' },
    body: JSON.stringify({ IdentityId: access.identityId, Logins: { 'cognito-identity.amazonaws.com': access.token } }),
  });
  const body = (await response.json()) as { Credentials?: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string }; __type?: string };
  const c = body.Credentials;
  if (!response.ok || !c?.AccessKeyId || !c.SecretKey || !c.SessionToken) throw new Error(`GetCredentialsForIdentity failed: ${body.__type ?? response.status}`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken };
}

/**
 * Each device's reported state, read once from the user's twins (`$aws/things/<identityId>/shadow/name/<thing>/get`)
 * over one MQTT-over-WebSocket connection (client id = identity id), closed afterwards. A device that never
 * reported is absent from the answer. Live updates are the next slice.
 */
export async function reportedStates(config: WebConfig, api: CommandApi, thingNames: readonly string[]): Promise<Map<string, unknown>> {
  const states = new Map<string, unknown>();
  if (thingNames.length === 0) return states;
  const access = (await api.iotAccess()) as IotAccess;
  const credentials = await credentialsFor(config, access);
  const url = await presignMqttUrl(`${config.mqttScheme ?? 'wss'}://${access.iotEndpoint}/mqtt`, access.region, credentials);
  const client = await mqtt.connectAsync(url, { clientId: access.identityId, protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 5_000 });
  try {
    const prefix = (thing: string) => `$aws/things/${access.identityId}/shadow/name/${thing}/get`;
    const answers = new Map<string, (payload: unknown) => void>();
    client.on('message', (topic, payload) => {
      const thing = thingNames.find((t) => topic.startsWith(`${prefix(t)}/`));
      if (thing && topic.endsWith('/accepted')) answers.get(thing)?.(JSON.parse(payload.toString()));
      if (thing && topic.endsWith('/rejected')) answers.get(thing)?.(undefined);
    });
    await client.subscribeAsync(thingNames.flatMap((t) => [`${prefix(t)}/accepted`, `${prefix(t)}/rejected`]), { qos: 1 });
    await Promise.all(
      thingNames.map(async (thing) => {
        const answered = new Promise<unknown>((resolve) => {
          answers.set(thing, resolve);
          setTimeout(() => resolve(undefined), GET_TIMEOUT_MS);
        });
        await client.publishAsync(prefix(thing), '{}', { qos: 1 });
        const document = (await answered) as { state?: { reported?: unknown } } | undefined;
        if (document?.state?.reported !== undefined) states.set(thing, document.state.reported);
      }),
    );
  } finally {
    await client.endAsync();
  }
  return states;
}

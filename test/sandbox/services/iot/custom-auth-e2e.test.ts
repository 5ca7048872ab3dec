import { checkUser, TRUST_DEFAULTS, TrustCache } from '../../../../functions/shared/trust/user-trust';
import { createHmac, randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { iot, mqtt } from 'aws-iot-device-sdk-v2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizeConnect, principalIdFor, type AuthorizerDeps } from '../../../../functions/authorizer/iot-authorizer/core';
import { silentLog } from '../../../../functions/shared/observability/logging';
import { startCognitoIdp, type CognitoIdpServer } from '../../../../sandbox/services/cognito-idp';
import { SANDBOX_ACCOUNT, SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from '../../../../sandbox/wire/account';
import { CredentialStore } from '../../../../sandbox/wire/credentials';
import { FaultInjector } from '../../../../sandbox/wire/faults';
import type { AuthorizationDecision } from '../../../../sandbox/services/iot/authorization';
import { startIotCore, type IotCore } from '../../../../sandbox/services/iot/core';
import type { CustomAuthorizerEvent } from '../../../../sandbox/services/iot/custom-auth';
import { createSandboxTlsMaterial } from '../../../../sandbox/services/iot/tls';
import { AWS_CRT_PORT_WARNING, buildForSandboxPort, reportToShadow, whileConnected } from '../../../support/device-sdk';

/**
 * The custom-authorizer path end to end: aws-iot-device-sdk-v2's custom-authorizer connection
 * (MQTT over TLS, ALPN "mqtt") → the sandbox broker → the REAL authorizer core
 * (functions/authorizer/iot-authorizer/core.ts) → the sandbox user pool (InitiateAuth with SECRET_HASH, or
 * a locally verified ID token) → the per-user policy it answers, enforced by the broker.
 */

const AUTHORIZER = 'CognitoAuthorizer';
const PASSWORD = 'Correct-Horse-9';

let idp: CognitoIdpServer;
let core: IotCore;
let cognito: CognitoIdentityProviderClient;
let caPem: string;
let userPoolId: string;
let clientId: string;
let clientSecret: string;
const denials: AuthorizationDecision[] = [];
const events: CustomAuthorizerEvent[] = [];

const secretHash = (username: string) => createHmac('sha256', clientSecret).update(username + clientId).digest('base64');

/** A user as onboarding leaves them: confirmed, permanent password, custom:identity_id set. */
async function onboardedUser(): Promise<{ username: string; identityId: string; sub: string }> {
  const username = `user${randomUUID().slice(0, 8)}`;
  const identityId = `${SANDBOX_REGION}:${randomUUID()}`;
  const created = await cognito.send(
    new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }),
  );
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
  await cognito.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: userPoolId,
      Username: username,
      UserAttributes: [
        { Name: 'custom:identity_id', Value: identityId },
        { Name: 'custom:iot_onboarded', Value: '1' },
      ],
    }),
  );
  const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '';
  return { username, identityId, sub };
}

async function idTokenOf(username: string): Promise<string> {
  const out = await cognito.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: PASSWORD, SECRET_HASH: secretHash(username) } }),
  );
  return out.AuthenticationResult?.IdToken ?? '';
}

/** The device SDK's custom-authorizer connection, pointed at the sandbox's TLS port and CA. */
function connection(username: string, password: string, mqttClientId: string) {
  const config = buildForSandboxPort(
      iot.AwsIotMqttConnectionConfigBuilder.new_default_builder()
      // Sets ALPN "mqtt" and port 443; the port is moved to the sandbox's afterwards.
      .with_custom_authorizer(username, AUTHORIZER, '', password)
      .with_endpoint('localhost')
      .with_port(core.tlsPort ?? 0)
      .with_certificate_authority(caPem)
      .with_client_id(mqttClientId)
      .with_clean_session(true));
  return new mqtt.MqttClient().new_connection(config);
}

beforeAll(async () => {
  const faults = new FaultInjector();
  idp = await startCognitoIdp({ faults });
  const pool = idp.createUserPool({ customAttributes: ['iot_onboarded', 'identity_id'], readOnlyAttributes: ['iot_onboarded', 'identity_id'] });
  userPoolId = pool.userPoolId;
  const appClient = idp.createAppClient(userPoolId, { generateSecret: true });
  clientId = appClient.clientId;
  clientSecret = appClient.clientSecret ?? '';
  cognito = new CognitoIdentityProviderClient({ region: SANDBOX_REGION, endpoint: idp.url, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 });

  // The verifier as the handler builds it, with the sandbox pool's JWKS cached (its fetcher is https-only).
  const jwtVerifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId });
  jwtVerifier.cacheJwks(idp.jwks(userPoolId));
  const deps: AuthorizerDeps = {
    verifier: { verify: (token) => jwtVerifier.verify(token) as Promise<Record<string, unknown>> },
    cognitoIdp: cognito,
    log: silentLog,
    now: Date.now,
    trust: new TrustCache({ check: (token) => checkUser(cognito, userPoolId, token), now: Date.now }),
    config: {
      clientId,
      clientSecret: async () => clientSecret,
      policyScope: { region: SANDBOX_REGION, account: SANDBOX_ACCOUNT },
      revalidateSeconds: TRUST_DEFAULTS.revalidateSeconds,
    },
  };

  const tls = await createSandboxTlsMaterial();
  caPem = tls.caPem;
  core = await startIotCore({ store: new CredentialStore(), faults, tls, onDenied: ({ decision }) => denials.push(decision) });
  core.registerAuthorizer({
    name: AUTHORIZER,
    signingDisabled: true,
    handler: (event) => {
      events.push(event);
      return authorizeConnect(event, deps);
    },
  });
});

afterAll(async () => {
  cognito?.destroy();
  await core?.close();
  await idp?.close();
});

describe('aws-iot-device-sdk-v2 custom authorizer → real authorizer core → sandbox user pool', { timeout: 20_000 }, () => {
  it.each([
    ['its password', async (_username: string) => PASSWORD],
    ['its ID token', (username: string) => idTokenOf(username)],
  ])('connects a user with %s and updates its own shadow', async (_mode, credential) => {
    const { username, identityId, sub } = await onboardedUser();
    const conn = connection(username, await credential(username), identityId);
    await whileConnected(conn, async () => {
      expect(core.broker.principalOf(identityId)).toMatchObject({ kind: 'custom', principalId: principalIdFor(sub) });
      expect(await reportToShadow(conn, identityId, { online: true })).toMatchObject({ state: { reported: { online: true } }, version: 1 });
    });
  });

  it('sends the authorizer the username with the device SDK suffix, which the core strips', async () => {
    const { username, identityId } = await onboardedUser();
    const conn = connection(username, PASSWORD, identityId);
    await whileConnected(conn, async () => {
      const sent = events.at(-1)?.protocolData.mqtt;
      expect(sent?.username).toMatch(new RegExp(`^${username}\\?x-amz-customauthorizer-name=${AUTHORIZER}(&|$)`));
      expect(sent).toMatchObject({ password: Buffer.from(PASSWORD).toString('base64'), clientId: identityId });
      expect(events.at(-1)).toMatchObject({ protocols: ['tls', 'mqtt'], protocolData: { tls: { serverName: 'localhost' } } });
    });
  });

  it('drops the connection when the user publishes outside its policy', async () => {
    const { username, identityId } = await onboardedUser();
    const conn = connection(username, PASSWORD, identityId);
    await whileConnected(conn, async () => {
      const interrupted = new Promise<void>((resolve) => conn.on('interrupt', () => resolve()));
      void conn.publish(`$aws/things/${SANDBOX_REGION}:${randomUUID()}/shadow/update`, '{"state":{"reported":{"x":1}}}', mqtt.QoS.AtLeastOnce).catch(() => undefined);
      await interrupted;
      expect(denials.at(-1)).toMatchObject({ allowed: false, reason: 'iot-policy-denies' });
    });
  });

  it('refuses a wrong password at connect', async () => {
    const { username, identityId } = await onboardedUser();
    const conn = connection(username, 'Wrong-Horse-1', identityId);
    const error = await conn.connect().catch((e: unknown) => e);
    // The CRT reports a refused CONNACK as a failed connect; the sandbox's denial names the cause.
    expect(String(error)).toMatch(/Failed to connect/);
    expect(denials.at(-1)).toMatchObject({ reason: 'custom-auth-refused', detail: expect.stringContaining('isAuthenticated: false') });
  });

  it('refuses a user who connects with another client id than its identity id', async () => {
    const { username } = await onboardedUser();
    const conn = connection(username, PASSWORD, 'my-laptop');
    const error = await conn.connect().catch((e: unknown) => e);
    expect(String(error)).toMatch(/Failed to connect/);
    expect(denials.at(-1)).toMatchObject({ reason: 'iot-policy-denies' });
  });
});

describe('the test log', () => {
  it("has no aws-crt warning about port 443 for a custom-authorizer connection to a sandbox port, which a plain build prints each time", () => {
    const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const builder = () => iot.AwsIotMqttConnectionConfigBuilder.new_default_builder().with_custom_authorizer('someone', AUTHORIZER, '', 'password').with_endpoint('localhost').with_port(8443).with_client_id('quiet');
    builder().build();
    expect(printed).toHaveBeenCalledWith(AWS_CRT_PORT_WARNING);
    printed.mockClear();
    buildForSandboxPort(builder());
    expect(printed).not.toHaveBeenCalled();
  });
});

import { IoTClient } from '@aws-sdk/client-iot';
import type { IClientOptions } from 'mqtt';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../wire/account';
import { connectDevice, registerDevice, startSimulatedDevice, type DeviceCredentials } from '../../clients/device';
import type { HttpApiServer } from '../../services/apigateway/http-api';
import type { LambdaRuntime } from '../lambda';
import type { deployOffboarding } from './offboarding';
import { onSandboxClock } from '../sdk-clock';
import type { DeployedIdentity } from './identity';
import { AUTHENTICATED_ROLE_ARN, AUTHORIZER_NAME, DEVELOPER_PROVIDER, DEVICE_POLICY_NAME, POLICY_NAME } from './names';
import type { describeDeployment } from './outputs';
import type { SandboxContext, SandboxServices } from './services';
import { BACKEND_SDK_CONFIG } from './names';

export interface HandleParts {
  readonly ctx: SandboxContext;
  readonly services: SandboxServices;
  readonly directory: DeployedIdentity;
  readonly webClient: { readonly clientId: string };
  readonly lambda: LambdaRuntime;
  readonly api: HttpApiServer;
  readonly description: ReturnType<typeof describeDeployment>;
  readonly stateMachineArn: string;
  readonly offboarding: ReturnType<typeof deployOffboarding>;
}

/** The running sandbox as its users (tests, bench, ops, `--serve`) see it. */
export function sandboxHandle({ ctx, services, directory, webClient, lambda, api, description, stateMachineArn, offboarding }: HandleParts) {
  const { idp, identity, iot, sfn, sqs, tls } = services;
  const { outputs, env, appConfig, webConfig, endpoints, written } = description;
  const operatorIot = onSandboxClock(new IoTClient({ ...BACKEND_SDK_CONFIG, endpoint: iot.controlPlaneUrl }), ctx.clock.now);
  ctx.closers.push(async () => operatorIot.destroy());
  return {
    region: SANDBOX_REGION,
    account: SANDBOX_ACCOUNT,
    clock: ctx.clock,
    /** Registers a device as an operator does, through the real SDK (thing, certificate, device policy). */
    registerDevice: (thingName: string) => registerDevice(operatorIot, { thingName, policyName: DEVICE_POLICY_NAME }),
    /** Connects a registered device with mqtt.js over mutual TLS (client id = thing name unless given). */
    connectDevice: (device: Pick<DeviceCredentials, 'thingName' | 'certificatePem' | 'privateKey'>, options?: IClientOptions) => connectDevice(iot.mqttsUrl ?? '', tls.caPem, device, options),
    /** Runs the simulated device (the firmware protocol of docs/client-flow.md) over mutual TLS. */
    startSimulatedDevice: (device: DeviceCredentials) =>
      startSimulatedDevice((options) => connectDevice(iot.mqttsUrl ?? '', tls.caPem, device, options), device.thingName),
    appConfig,
    /** The web app's config.json (served with the app when `web` is set). */
    webConfig,
    outputs,
    env,
    userPool: { userPoolId: directory.pool.userPoolId, clientId: directory.client.clientId, clientSecret: directory.client.clientSecret, webClientId: webClient.clientId, issuer: directory.pool.issuer },
    endpoints: { ...endpoints, iotDataHost: iot.dataEndpointHost, tlsPort: iot.tlsPort ?? 0 },
    /** The CA file written next to the outputs file, when one was written. */
    ...(written ? { caFile: written.caFile } : {}),
    /** The printed exports, written next to the outputs file for `. <envFile>`, when one was written. */
    ...(written ? { envFile: written.envFile } : {}),
    stateMachineArn,
    offboardingStateMachineArn: offboarding.stateMachineArn,
    /** Runs the real reconciler function once, as its schedule does on AWS. */
    runReconciler: offboarding.runReconciler,
    /** PEM of the CA the sandbox's TLS listeners are signed by: clients trust it instead of Amazon Root CA. */
    caPem: tls.caPem,
    authorizerName: AUTHORIZER_NAME,
    identityPoolId: directory.identityPoolId,
    developerProviderName: DEVELOPER_PROVIDER,
    policyName: POLICY_NAME,
    /** The device policy (functions/shared/iot-policy/device-policy.ts) that registered devices' certificates carry. */
    devicePolicyName: DEVICE_POLICY_NAME,
    authenticatedRoleArn: AUTHENTICATED_ROLE_ARN,
    faults: ctx.faults,
    store: ctx.store,
    /** EventBridge default bus: `eventBus.putRule(name, pattern)` then `eventBus.putTarget(name, id, callback)`. */
    eventBus: ctx.eventBus,
    services: { idp, identity, iot, sfn, sqs, api, lambda },
    async close() {
      await closeAll(ctx.closers);
    },
  };
}

/** Closes in reverse start order, each close best-effort. */
export async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}

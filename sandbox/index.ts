import './stepfunctions/polyfill';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { IoTClient } from '@aws-sdk/client-iot';
import type { IClientOptions } from 'mqtt';
import { devicePolicyDocument } from '../functions/shared/device-policy';
import { iotPolicyDocument } from '../functions/shared/iot-policy';
import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../functions/shared/onboarding';
import { ApiRoutes } from '../functions/shared/routes';
import { StackOutputs, type StackOutputValues } from '../functions/shared/stack-outputs';
import { renderOnboardingDefinition } from '../statemachines/onboarding';
import type { AppConfig } from './client';
import { startCognitoIdentity } from './cognito-identity';
import { SandboxClock } from './clock';
import { startCognitoIdp } from './cognito-idp';
import { SANDBOX_ACCOUNT, SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from './config';
import { CredentialStore } from './credentials';
import { applyFaultSpecs, startControlServer } from './control';
import { connectDevice, registerDevice, startSimulatedDevice, type DeviceCredentials } from './devices';
import { EventBus, cloudTrailEntry } from './eventbridge';
import { FaultInjector, type FaultSpec } from './faults';
import { startHttpApi } from './http-api';
import { startIotCore } from './iot/core';
import { refusalLogger } from './iot/refusal-log';
import { createSandboxTlsMaterial } from './iot/tls';
import { startLambdaRuntime, type FunctionSpec } from './lambda';
import { deployOffboarding, offboardingFunctionSpecs } from './offboarding';
import { startSecretsManager } from './secretsmanager/service';
import { writeOutputsFile } from './outputs-file';
import { startStepFunctions } from './stepfunctions/service';
import { createTaskHandlers, type RunDefinitionOptions } from './stepfunctions/task-runtime';

export interface SandboxOptions {
  /** Onboarding version the trigger enforces. Default `1`. */
  readonly onboardingVersion?: string;
  /** Retry waits of the state machine in ms instead of the ASL's backoff (tests). Default: real backoff. */
  readonly retryIntervalOverrides?: RunDefinitionOptions['retryIntervalOverrides'];
  /** Log level of the functions (Powertools). Default `WARN`. */
  readonly functionLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Fixed ports (for `--serve`); each defaults to an ephemeral one. */
  readonly ports?: SandboxPorts;
  /**
   * Where to write a `cdk deploy --outputs-file`-style JSON of the sandbox stack's outputs, plus
   * the endpoints, the app client secret and the CA file path (outputs-file.ts).
   */
  readonly outputsFile?: string;
  /** Fault rules in force from the start (as `--faults` and the control endpoint take them). */
  readonly faults?: readonly FaultSpec[];
  /**
   * Receives one line per IoT authorization refusal (refused WebSocket upgrade, CONNECT, publish,
   * subscribe, receive, data-plane call) with its cause as `diagnose` names it (iot/refusal-log.ts).
   * `--serve` prints them.
   */
  readonly logRefusal?: (line: string) => void;
  /**
   * The sandbox's clock: token, credential and trust expiry, signature dates, session deadlines,
   * in the emulators and in the Lambda handlers alike. Tests `advance()` it instead of sleeping.
   * Default: a clock at real time.
   */
  readonly clock?: SandboxClock;
  /** The trust re-validation window of the API and the authorizer (`TRUST_REVALIDATE_SECONDS`). Default: the product's (300 s). */
  readonly trustRevalidateSeconds?: number;
}

export interface SandboxPorts {
  readonly api?: number;
  /** IoT data plane (REST) and MQTT over WebSocket (`/mqtt`): the ATS data endpoint. */
  readonly iotData?: number;
  readonly iotControl?: number;
  /** MQTT over plain TCP. */
  readonly mqtt?: number;
  /** MQTT over TLS, both roles (ALPN `mqtt`: custom authentication, as on 443; none: devices, as on 8883). */
  readonly mqttTls?: number;
  /** A second MQTT/TLS listener, e.g. 8883 next to 443. */
  readonly deviceTls?: number;
  /** MQTT over WebSocket with TLS (`wss://`). */
  readonly mqttWss?: number;
  readonly cognitoIdp?: number;
  readonly cognitoIdentity?: number;
  readonly stepFunctions?: number;
  /** The fault control endpoint (control.ts). */
  readonly control?: number;
}

/** Names the sandbox gives its "stack" resources, mirroring lib/ for the stack name below. */
export const SANDBOX_STACK = 'IotOnboarding';
const STATE_MACHINE_NAME = `${SANDBOX_STACK}-onboarding`;
const OFFBOARDING_STATE_MACHINE_NAME = `${SANDBOX_STACK}-offboarding`;
const POLICY_NAME = `${SANDBOX_STACK}-user-iot`;
const DEVICE_POLICY_NAME = `${SANDBOX_STACK}-device-iot`;
const DEVELOPER_PROVIDER = `iot-onboarding.${SANDBOX_STACK}`;
const AUTHORIZER_NAME = `${SANDBOX_STACK}-cognito`;
const AUTHENTICATED_ROLE_ARN = `arn:aws:iam::${SANDBOX_ACCOUNT}:role/${SANDBOX_STACK}-AuthenticatedRole`;
const functionArn = (name: string) => `arn:aws:lambda:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:function:${SANDBOX_STACK}-${name}`;

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/**
 * Starts every emulated service on loopback and deploys the product into it the way the CDK
 * stack does: user pool + app client, identity pool + role, IoT policy, state machine from the
 * real ASL, the real handlers (bundled as deployed), the trigger and the HTTP API.
 */
export async function startSandbox(options: SandboxOptions = {}) {
  const onboardingVersion = options.onboardingVersion ?? '1';
  const clock = options.clock ?? new SandboxClock();
  const now = clock.now;
  const store = new CredentialStore(now);
  const faults = new FaultInjector();
  const closers: Array<() => Promise<void>> = [];
  try {
    // The account's default event bus: Cognito's CloudTrail-recorded user calls reach its rules.
    const eventBus = new EventBus(now);
    const ports = options.ports ?? {};
    const port = (value: number | undefined) => (value !== undefined ? { port: value } : {});
    applyFaultSpecs(faults, options.faults ?? [], { replace: true });
    const control = await startControlServer({ faults, ...port(ports.control) });
    closers.push(() => control.close());
    // Cognito user pool: the directory and its app client (secret, USER_PASSWORD_AUTH).
    const idp = await startCognitoIdp({
      faults,
      store,
      now,
      ...port(ports.cognitoIdp),
      onCloudTrail: (record) => eventBus.putEvents([cloudTrailEntry('cognito-idp', record)]),
    });
    closers.push(() => idp.close());
    const customAttributes = [ONBOARDED_ATTRIBUTE, IDENTITY_ID_ATTRIBUTE].map((a) => a.replace(/^custom:/, ''));
    const pool = idp.createUserPool({ name: `${SANDBOX_STACK}-users`, customAttributes, readOnlyAttributes: customAttributes });
    const client = idp.createAppClient(pool.userPoolId, { generateSecret: true });
    if (!client.clientSecret) throw new Error('the sandbox app client was created without a secret');

    // Identity pool (developer provider only) and IoT Core with the policy template.
    const identity = await startCognitoIdentity({ store, faults, now, ...port(ports.cognitoIdentity) });
    closers.push(() => identity.close());
    const { identityPoolId } = identity.createIdentityPool({ developerProviderName: DEVELOPER_PROVIDER, authenticatedRoleArn: AUTHENTICATED_ROLE_ARN });
    const tls = await createSandboxTlsMaterial();
    const iot = await startIotCore({
      store,
      faults,
      now,
      timers: clock.timers,
      ...(options.logRefusal ? refusalLogger(options.logRefusal) : {}),
      tls: { ...tls, mqttsPort: ports.mqttTls ?? 0, wssPort: ports.mqttWss ?? 0, ...(ports.deviceTls !== undefined ? { deviceMqttsPort: ports.deviceTls } : {}) },
      ports: { dataPlane: ports.iotData ?? 0, mqtt: ports.mqtt ?? 0, controlPlane: ports.iotControl ?? 0 },
    });
    closers.push(() => iot.close());
    const policyDocument = iotPolicyDocument({ region: SANDBOX_REGION, account: SANDBOX_ACCOUNT });
    iot.setRolePolicy(AUTHENTICATED_ROLE_ARN, policyDocument);
    iot.registry.createPolicy(POLICY_NAME, JSON.stringify(policyDocument));
    iot.registry.createPolicy(DEVICE_POLICY_NAME, JSON.stringify(devicePolicyDocument({ region: SANDBOX_REGION, account: SANDBOX_ACCOUNT })));

    // The authorizer's app client secret, as the stack stores it (lib/constructs/iot-custom-authorizer.ts).
    const secretsManager = await startSecretsManager({ store, faults, now });
    closers.push(() => secretsManager.close());
    const appClientSecret = secretsManager.createSecret(`${SANDBOX_STACK}-app-client-secret`, client.clientSecret);

    const sfn = await startStepFunctions({
      faults,
      store,
      now,
      ...port(ports.stepFunctions),
      ...(options.retryIntervalOverrides !== undefined ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
    });
    closers.push(() => sfn.close());

    // The functions, with the environment CDK gives them (lib/constructs).
    // How every SDK client (the functions', the AWS CLI's, the admin CLI's) reaches the sandbox.
    const awsEnv = {
      AWS_REGION: SANDBOX_REGION,
      AWS_ACCESS_KEY_ID: SANDBOX_BACKEND_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_BACKEND_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SFN: sfn.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY: identity.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: idp.url,
      AWS_ENDPOINT_URL_IOT: iot.controlPlaneUrl,
      AWS_ENDPOINT_URL_IOT_DATA_PLANE: iot.dataPlaneUrl,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    };
    const base = {
      ...awsEnv,
      POWERTOOLS_LOG_LEVEL: options.functionLogLevel ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const stateMachineArn = `arn:aws:states:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`;
    const trustWindow: Record<string, string> = options.trustRevalidateSeconds ? { TRUST_REVALIDATE_SECONDS: String(options.trustRevalidateSeconds) } : {};
    const offboardingIds = {
      stateMachineArn: `arn:aws:states:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:stateMachine:${OFFBOARDING_STATE_MACHINE_NAME}`,
      userPoolId: pool.userPoolId,
      identityPoolId,
      policyName: POLICY_NAME,
      iotDataPlaneUrl: iot.dataPlaneUrl,
    };
    const specs: Record<string, FunctionSpec> = {
      ...offboardingFunctionSpecs(base, offboardingIds),
      'post-authentication': {
        source: 'post-authentication',
        environment: { ...base, STATE_MACHINE_ARN: stateMachineArn, ONBOARDING_VERSION: onboardingVersion },
      },
      'resolve-identity': {
        source: 'resolve-identity',
        environment: { ...base, IDENTITY_POOL_ID: identityPoolId, DEVELOPER_PROVIDER_NAME: DEVELOPER_PROVIDER },
      },
      'publish-welcome': { source: 'publish-welcome', environment: { ...base, IOT_DATA_ENDPOINT: iot.dataPlaneUrl } },
      'iot-authorizer': {
        source: 'iot-authorizer',
        environment: {
          ...base,
          USER_POOL_ID: pool.userPoolId,
          APP_CLIENT_ID: client.clientId,
          APP_CLIENT_SECRET_ID: appClientSecret.arn,
          AWS_ACCOUNT_ID: SANDBOX_ACCOUNT,
          COGNITO_JWKS_URI: pool.jwksUri,
          ...trustWindow,
        },
      },
      'publish-command': {
        source: 'publish-command',
        environment: {
          ...base,
          USER_POOL_ID: pool.userPoolId,
          IDENTITY_POOL_ID: identityPoolId,
          DEVELOPER_PROVIDER_NAME: DEVELOPER_PROVIDER,
          IOT_DATA_ENDPOINT: iot.dataPlaneUrl,
          STATE_MACHINE_ARN: stateMachineArn,
          ONBOARDING_VERSION: onboardingVersion,
          ...trustWindow,
        },
      },
    };
    const lambda = await startLambdaRuntime(specs, { clockOffset: clock.sharedOffset });
    closers.push(() => lambda.close());

    const definition = renderOnboardingDefinition({
      ResolveIdentityFunctionArn: functionArn('resolve-identity'),
      PublishWelcomeFunctionArn: functionArn('publish-welcome'),
      IotPolicyName: POLICY_NAME,
      UserPoolId: pool.userPoolId,
    });
    const sdkConfig = { region: SANDBOX_REGION, credentials: SANDBOX_BACKEND_CREDENTIALS, maxAttempts: 1 };
    const registered = sfn.registerStateMachine({
      name: STATE_MACHINE_NAME,
      definition,
      roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT}:role/${SANDBOX_STACK}-OnboardingRole`,
      handlers: createTaskHandlers(JSON.parse(definition), {
        lambdas: {
          [functionArn('resolve-identity')]: (payload) => lambda.invoke('resolve-identity', payload),
          [functionArn('publish-welcome')]: (payload) => lambda.invoke('publish-welcome', payload),
        },
        sdk: {
          iot: new IoTClient({ ...sdkConfig, endpoint: iot.controlPlaneUrl }),
          cognitoidentityprovider: new CognitoIdentityProviderClient({ ...sdkConfig, endpoint: idp.url }),
        },
      }),
    });
    if (registered.stateMachineArn !== stateMachineArn) {
      throw new Error(`state machine ARN ${registered.stateMachineArn} differs from the trigger's ${stateMachineArn}`);
    }
    const offboarding = deployOffboarding({
      sfn,
      lambda,
      eventBus,
      iotControlPlaneUrl: iot.controlPlaneUrl,
      stateMachineName: OFFBOARDING_STATE_MACHINE_NAME,
      roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT}:role/${SANDBOX_STACK}-OffboardingRole`,
      ids: offboardingIds,
      functionArn,
    });
    idp.setPostAuthenticationTrigger((event) => lambda.invoke('post-authentication', event));
    // The second source article's path: MQTT username/password checked by the real authorizer.
    iot.registerAuthorizer({
      name: AUTHORIZER_NAME,
      signingDisabled: true,
      functionArn: functionArn('iot-authorizer'),
      handler: (event) => lambda.invoke('iot-authorizer', event),
    });

    const api = await startHttpApi({
      now,
      ...port(ports.api),
      jwt: { issuer: pool.issuer, audience: [client.clientId], jwks: () => idp.jwks(pool.userPoolId) },
      routes: Object.values(ApiRoutes).map((routeKey) => ({
        routeKey,
        authorize: true,
        handler: (event) => lambda.invoke('publish-command', event) as never,
      })),
    });
    closers.push(() => api.close());

    /** The stack outputs (lib/), as `cdk deploy --outputs-file` writes them. */
    const outputs: StackOutputValues = {
      [StackOutputs.UserPoolId]: pool.userPoolId,
      [StackOutputs.UserPoolClientId]: client.clientId,
      [StackOutputs.IdentityPoolId]: identityPoolId,
      [StackOutputs.DeveloperProviderName]: DEVELOPER_PROVIDER,
      [StackOutputs.IotPolicyName]: POLICY_NAME,
      [StackOutputs.DevicePolicyName]: DEVICE_POLICY_NAME,
      [StackOutputs.StateMachineArn]: stateMachineArn,
      [StackOutputs.OnboardingVersion]: onboardingVersion,
      [StackOutputs.ApiUrl]: api.url,
      [StackOutputs.IotDataEndpoint]: iot.dataEndpointHost,
      [StackOutputs.CustomAuthorizerName]: AUTHORIZER_NAME,
      [StackOutputs.OffboardingStateMachineArn]: offboarding.stateMachineArn,
    };
    /** What a client, the AWS CLI or the admin CLI needs to talk to the sandbox. */
    const env = {
      ...awsEnv,
      IOT_ONBOARDING_STATE_MACHINE_ARN: stateMachineArn,
      IOT_ONBOARDING_USER_POOL_ID: pool.userPoolId,
      IOT_ONBOARDING_IDENTITY_POOL_ID: identityPoolId,
      IOT_ONBOARDING_DEVELOPER_PROVIDER_NAME: DEVELOPER_PROVIDER,
      IOT_ONBOARDING_POLICY_NAME: POLICY_NAME,
      IOT_ONBOARDING_VERSION: onboardingVersion,
      IOT_ONBOARDING_OFFBOARDING_STATE_MACHINE_ARN: offboarding.stateMachineArn,
      IOT_ONBOARDING_DEVICE_POLICY_NAME: DEVICE_POLICY_NAME,
    };

    /** How an app (sandbox/client.ts) reaches this sandbox. */
    const appConfig: AppConfig = {
      region: SANDBOX_REGION,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      apiUrl: api.url,
      cognitoIdpEndpoint: idp.url,
      cognitoIdentityEndpoint: identity.url,
      mqttScheme: 'ws',
    };

    const endpoints = {
      api: api.url,
      cognitoIdp: idp.url,
      cognitoIdentity: identity.url,
      iotControlPlane: iot.controlPlaneUrl,
      iotDataPlane: iot.dataPlaneUrl,
      mqttWebSocket: iot.wsUrl,
      mqttTcp: iot.mqttUrl,
      /** TLS: ALPN `mqtt` goes to the custom authorizer (AWS's port 443), no ALPN to devices (8883). */
      mqttTls: iot.mqttsUrl ?? '',
      ...(iot.deviceMqttsUrl !== undefined ? { mqttTlsDevice: iot.deviceMqttsUrl } : {}),
      mqttWebSocketTls: iot.wssUrl ?? '',
      stepFunctions: sfn.url,
      /** The fault control API (control.ts). */
      control: control.url,
    };
    const written = options.outputsFile
      ? writeOutputsFile(options.outputsFile, SANDBOX_STACK, outputs, { region: SANDBOX_REGION, appClientSecret: client.clientSecret, caPem: tls.caPem, endpoints })
      : undefined;

    const operatorIot = new IoTClient({ ...sdkConfig, endpoint: iot.controlPlaneUrl });
    closers.push(async () => operatorIot.destroy());

    return {
      region: SANDBOX_REGION,
      account: SANDBOX_ACCOUNT,
      clock,
      /** Registers a device as an operator does, through the real SDK (thing, certificate, device policy). */
      registerDevice: (thingName: string) => registerDevice(operatorIot, { thingName, policyName: DEVICE_POLICY_NAME }),
      /** Connects a registered device with mqtt.js over mutual TLS (client id = thing name unless given). */
      connectDevice: (device: Pick<DeviceCredentials, 'thingName' | 'certificatePem' | 'privateKey'>, options?: IClientOptions) => connectDevice(iot.mqttsUrl ?? '', tls.caPem, device, options),
      /** Runs the simulated device (the firmware protocol of the README) over mutual TLS. */
      startSimulatedDevice: (device: DeviceCredentials) =>
        startSimulatedDevice((options) => connectDevice(iot.mqttsUrl ?? '', tls.caPem, device, options), device.thingName),
      appConfig,
      outputs,
      env,
      userPool: { userPoolId: pool.userPoolId, clientId: client.clientId, clientSecret: client.clientSecret, issuer: pool.issuer },
      endpoints: { ...endpoints, iotDataHost: iot.dataEndpointHost, tlsPort: iot.tlsPort ?? 0 },
      /** The CA file written next to the outputs file, when one was written. */
      ...(written ? { caFile: written.caFile } : {}),
      stateMachineArn,
      offboardingStateMachineArn: offboarding.stateMachineArn,
      /** Runs the real reconciler function once, as its schedule does on AWS. */
      runReconciler: offboarding.runReconciler,
      /** PEM of the CA the sandbox's TLS listeners are signed by: clients trust it instead of Amazon Root CA. */
      caPem: tls.caPem,
      authorizerName: AUTHORIZER_NAME,
      identityPoolId,
      developerProviderName: DEVELOPER_PROVIDER,
      policyName: POLICY_NAME,
      /** The device policy (functions/shared/device-policy.ts) that registered devices' certificates carry. */
      devicePolicyName: DEVICE_POLICY_NAME,
      authenticatedRoleArn: AUTHENTICATED_ROLE_ARN,
      faults,
      store,
      /** EventBridge default bus: `eventBus.putRule(name, pattern)` then `eventBus.putTarget(name, id, callback)`. */
      eventBus,
      services: { idp, identity, iot, sfn, api, lambda },
      async close() {
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

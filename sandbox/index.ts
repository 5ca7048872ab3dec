import './stepfunctions/polyfill';
import { SandboxClock } from './clock';
import { CredentialStore } from './credentials';
import { startApi } from './deploy/api';
import { sandboxAwsEnv, startFunctions } from './deploy/functions';
import { closeAll, sandboxHandle } from './deploy/handle';
import { deployIdentity } from './deploy/identity';
import { deployIotPolicies, registerIotAuthorizer } from './deploy/iot';
import { describeDeployment } from './deploy/outputs';
import { startServices, type SandboxContext } from './deploy/services';
import { ONBOARDING_STATE_MACHINE_ARN, deployOffboardingWorkflow, deployOnboarding, offboardingIds } from './deploy/workflows';
import { EventBus } from './eventbridge';
import { FaultInjector, type FaultSpec } from './faults';
import type { RunDefinitionOptions } from './stepfunctions/task-runtime';

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
  readonly secretsManager?: number;
  /** The fault control endpoint (control.ts). */
  readonly control?: number;
}

export { SANDBOX_STACK } from './deploy/names';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/**
 * Starts every emulated service on loopback and deploys the product into it the way the CDK
 * stack does: user pool + app client, identity pool + role, IoT policy, state machine from the
 * real ASL, the real handlers (bundled as deployed), the trigger and the HTTP API. Each step is a
 * module of deploy/.
 */
export async function startSandbox(options: SandboxOptions = {}) {
  const clock = options.clock ?? new SandboxClock();
  const store = new CredentialStore(clock.now);
  // The account's default event bus: Cognito's CloudTrail-recorded user calls reach its rules.
  const ctx: SandboxContext = { clock, store, faults: new FaultInjector(), eventBus: new EventBus(clock.now), closers: [] };
  try {
    const services = await startServices(options, ctx);
    const directory = deployIdentity(services);
    deployIotPolicies(services.iot);
    const awsEnv = sandboxAwsEnv(services);
    const offboardingConfig = offboardingIds(directory, services.iot.dataPlaneUrl);
    const lambda = await startFunctions({
      options,
      clock,
      awsEnv,
      directory,
      iotDataPlaneUrl: services.iot.dataPlaneUrl,
      stateMachineArn: ONBOARDING_STATE_MACHINE_ARN,
      offboarding: offboardingConfig,
    });
    ctx.closers.push(() => lambda.close());
    const stateMachineArn = deployOnboarding(services, lambda, directory.pool.userPoolId, clock.now);
    const offboarding = deployOffboardingWorkflow(services, lambda, ctx.eventBus, offboardingConfig, clock.now);
    services.idp.setPostAuthenticationTrigger((event) => lambda.invoke('post-authentication', event));
    registerIotAuthorizer(services.iot, lambda);
    const api = await startApi(ctx, options.ports?.api, services, directory, lambda);
    const description = describeDeployment({ options, services, directory, api, awsEnv, stateMachineArn, offboardingStateMachineArn: offboarding.stateMachineArn });
    return sandboxHandle({ ctx, services, directory, lambda, api, description, stateMachineArn, offboarding });
  } catch (error) {
    await closeAll(ctx.closers);
    throw error;
  }
}

import { startCognitoIdentity } from '../cognito-identity';
import { startCognitoIdp } from '../cognito-idp';
import type { SandboxClock } from '../clock';
import { applyFaultSpecs, startControlServer } from '../control';
import type { CredentialStore } from '../credentials';
import { cloudTrailEntry, type EventBus } from '../eventbridge';
import type { FaultInjector } from '../faults';
import { startIotCore } from '../iot/core';
import { refusalLogger } from '../iot/refusal-log';
import { createSandboxTlsMaterial } from '../iot/tls';
import type { SandboxOptions } from '../index';
import { startSecretsManager } from '../secretsmanager/service';
import { startStepFunctions } from '../stepfunctions/service';

export interface SandboxContext {
  readonly clock: SandboxClock;
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  readonly eventBus: EventBus;
  /** Each started service registers its close here; the sandbox closes them in reverse. */
  readonly closers: Array<() => Promise<void>>;
}

export const port = (value: number | undefined) => (value !== undefined ? { port: value } : {});

/** Starts the emulated services the product is deployed into, each on its port (ephemeral by default). */
export async function startServices(options: SandboxOptions, ctx: SandboxContext) {
  const { store, faults, closers } = ctx;
  const now = ctx.clock.now;
  const ports = options.ports ?? {};
  applyFaultSpecs(faults, options.faults ?? [], { replace: true });
  const control = await startControlServer({ faults, ...port(ports.control) });
  closers.push(() => control.close());
  const idp = await startCognitoIdp({
    faults,
    store,
    now,
    ...port(ports.cognitoIdp),
    // Cognito's CloudTrail-recorded user calls reach the default bus's rules.
    onCloudTrail: (record) => ctx.eventBus.putEvents([cloudTrailEntry('cognito-idp', record)]),
  });
  closers.push(() => idp.close());
  const identity = await startCognitoIdentity({ store, faults, now, ...port(ports.cognitoIdentity) });
  closers.push(() => identity.close());
  const tls = await createSandboxTlsMaterial();
  const iot = await startIotCore({
    store,
    faults,
    now,
    timers: ctx.clock.timers,
    ...(options.logRefusal ? refusalLogger(options.logRefusal) : {}),
    tls: { ...tls, mqttsPort: ports.mqttTls ?? 0, wssPort: ports.mqttWss ?? 0, ...(ports.deviceTls !== undefined ? { deviceMqttsPort: ports.deviceTls } : {}) },
    ports: { dataPlane: ports.iotData ?? 0, mqtt: ports.mqtt ?? 0, controlPlane: ports.iotControl ?? 0 },
  });
  closers.push(() => iot.close());
  const secretsManager = await startSecretsManager({ store, faults, now });
  closers.push(() => secretsManager.close());
  const sfn = await startStepFunctions({
    faults,
    store,
    now,
    ...port(ports.stepFunctions),
    ...(options.retryIntervalOverrides !== undefined ? { retryIntervalOverrides: options.retryIntervalOverrides } : {}),
  });
  closers.push(() => sfn.close());
  return { control, idp, identity, tls, iot, secretsManager, sfn };
}

export type SandboxServices = Awaited<ReturnType<typeof startServices>>;

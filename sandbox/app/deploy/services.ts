import { startCognitoIdentity } from '../../services/cognito-identity';
import { startCognitoIdp, type SentCode } from '../../services/cognito-idp';
import type { SandboxClock } from '../clock';
import { applyFaultSpecs, startControlServer } from '../../wire/fault-control';
import type { CredentialStore } from '../../wire/credentials';
import { cloudTrailEntry, type EventBus } from '../../services/eventbridge';
import type { FaultInjector } from '../../wire/faults';
import { startIotCore } from '../../services/iot/core';
import { refusalLogger } from '../../services/iot/refusal-log';
import { createSandboxTlsMaterial } from '../../services/iot/tls';
import type { SandboxOptions } from '../options';
import { startSecretsManager } from '../../services/secretsmanager/service';
import { startSqs } from '../../services/sqs/service';
import { startCloudWatch } from '../../services/cloudwatch/service';
import { startStepFunctions } from '../../services/stepfunctions/service';

export interface SandboxContext {
  readonly clock: SandboxClock;
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  readonly eventBus: EventBus;
  /** Each started service registers its close here; the sandbox closes them in reverse. */
  readonly closers: Array<() => Promise<void>>;
}

/** The line `--serve` prints where Cognito would send a code. */
function codeSentLogger(log: (line: string) => void): (message: SentCode) => void {
  return (m) => log(`Cognito would ${m.medium === 'EMAIL' ? 'email' : 'text'} ${m.to} (user ${m.username} of ${m.userPoolId}): confirmation code ${m.code}`);
}

export const port = (value: number | undefined) => (value !== undefined ? { port: value } : {});

/** Starts the emulated services the product is deployed into, each on its port (ephemeral by default). */
export async function startServices(options: SandboxOptions, ctx: SandboxContext) {
  const { store, faults } = ctx;
  const now = ctx.clock.now;
  const ports = options.ports ?? {};
  // Registered as soon as it listens, so a later service failing to start still closes it.
  const started = async <S extends { close(): Promise<void> }>(service: Promise<S>): Promise<S> => {
    const running = await service;
    ctx.closers.push(() => running.close());
    return running;
  };
  applyFaultSpecs(faults, options.faults ?? [], { replace: true });
  const control = await started(startControlServer({ faults, ...port(ports.control) }));
  const idp = await started(
    startCognitoIdp({
      faults,
      store,
      now,
      ...port(ports.cognitoIdp),
      // Cognito's CloudTrail-recorded user calls reach the default bus's rules.
      onCloudTrail: (record) => ctx.eventBus.putEvents([cloudTrailEntry('cognito-idp', record)]),
      ...(options.logCodeSent ? { onCodeSent: codeSentLogger(options.logCodeSent) } : {}),
    }),
  );
  const identity = await started(startCognitoIdentity({ store, faults, now, ...port(ports.cognitoIdentity) }));
  const tls = await createSandboxTlsMaterial();
  const iot = await started(
    startIotCore({
      store,
      faults,
      now,
      timers: ctx.clock.timers,
      ...(options.logRefusal ? refusalLogger(options.logRefusal) : {}),
      tls: { ...tls, mqttsPort: ports.mqttTls ?? 0, wssPort: ports.mqttWss ?? 0, ...(ports.deviceTls !== undefined ? { deviceMqttsPort: ports.deviceTls } : {}) },
      ports: { dataPlane: ports.iotData ?? 0, mqtt: ports.mqtt ?? 0, controlPlane: ports.iotControl ?? 0 },
    }),
  );
  const secretsManager = await started(startSecretsManager({ store, faults, now, ...port(ports.secretsManager) }));
  // Long polls wait on the sandbox clock's timers: advance() ends them like visibility timeouts.
  const sqs = await started(startSqs({ store, faults, now, timers: ctx.clock.timers, ...port(ports.sqs) }));
  // CloudWatch serves the metrics SQS publishes (AWS/SQS), computed from its queues on the sandbox clock.
  const cloudwatch = await started(startCloudWatch({ store, faults, now, sources: [sqs.metrics], ...port(ports.cloudwatch) }));
  const retries = options.retryIntervalOverrides !== undefined ? { retryIntervalOverrides: options.retryIntervalOverrides } : {};
  const sfn = await started(startStepFunctions({ faults, store, now, timers: ctx.clock.timers, ...port(ports.stepFunctions), ...retries }));
  return { control, idp, identity, tls, iot, secretsManager, sqs, cloudwatch, sfn };
}

export type SandboxServices = Awaited<ReturnType<typeof startServices>>;

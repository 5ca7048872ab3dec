import { checkUser, TrustCache } from '../functions/shared/trust/user-trust';
import { randomUUID } from 'node:crypto';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createIotControlPlane } from '../functions/shared/aws/iot-control-plane/client';
import { IoTDataPlaneClient, type PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { OwnershipCache } from '../functions/api/publish-command/ownership-cache';
import { CallerClaimLimiter } from '../functions/shared/devices/claim-guard';
import { twinTopic } from '../functions/shared/iot-policy/user-policy';
import type { MqttClient } from 'mqtt';
import { UserAccessCache } from '../functions/api/publish-command/access-cache';
import { handleApiRequest } from '../functions/api/publish-command/core';
import { ApiRoutes } from '../functions/shared/routes';
import { clientConfig } from '../functions/shared/aws/clients';
import { errorName } from '../functions/shared/aws/error-name';
import { silentLog } from '../functions/shared/observability/logging';
import { ApiRequestError } from '../sandbox/clients/app-client';
import type { CallCounts } from './aws-calls';
import { countCalls, type CallCounter } from './call-counter';
import { within } from './concurrency';
import { awaitMessage, BENCH_PASSWORD, progress, startBenchSandbox, subOf, type BenchSandbox } from './fixture';
import { distribution, distributions, median, type Distribution, type Distributions } from './stats';

export interface CommandOptions {
  /** Sequential API-to-device samples. */
  readonly samples: number;
  /** Length of each sustained-rate run. */
  readonly sustainMs: number;
  /** Caller counts of the sustained-rate runs. */
  readonly callers: readonly number[];
  /** In-process handler calls for the overhead figure. */
  readonly handlerCalls: number;
}

export interface SustainedRate {
  readonly callers: number;
  readonly perSecond: number;
  readonly ok: number;
  readonly errors: number;
  readonly errorCodes: Readonly<Record<string, number>>;
}

export interface CommandFigures {
  /** POST /devices/device_bench/commands sent to the delta received by the device. */
  readonly apiToDeviceMs: Distribution;
  readonly sustained: readonly SustainedRate[];
  readonly apiRequests: number;
  readonly getCredentialsCalls: number;
  readonly credentialCacheHitRate: number;
  /** handleApiRequest in-process, warm cache: whole call, the IoT publish's send(), and the difference. */
  readonly handler: HandlerFigures;
  /** The same with the ownership cache cold on every call (TTL 0): one DescribeThing per command. */
  readonly handlerColdOwnership: HandlerFigures;
  /** POST /devices/{thing}/claim through the HTTP API, one new device each. */
  readonly claimMs: Distribution;
  /** Counted calls per command of the sequential samples (HTTP API, caches warm), per operation. */
  readonly callsPerCommand: CallCounts;
}

interface HandlerFigures extends Distributions<'totalMs' | 'sendMs' | 'overheadMs'> {
  readonly overheadMedianMs: number;
  /** DescribeThing calls per command (the ownership check's AWS calls). */
  readonly describeThingPerCall: number;
  /** Every counted call per measured command, per operation. */
  readonly callsPerCall: CallCounts;
  /** The calls of the first command, every cache cold (trust, identity credentials, ownership). */
  readonly firstCallCalls: CallCounts;
}

const DEVICE = 'device_bench';
const CLAIM_SAMPLES = 50;
const DELTA_TIMEOUT_MS = 5_000;

/**
 * The command path: one onboarded user commands a simulated device (registered, connected with
 * its certificate over mutual TLS) through the HTTP API, for latency, sustained rate and the credential
 * cache; then the handler core in-process, to separate its own time from the publish round trip.
 * The counted calls per command, warm and with every cache cold, feed the capacity model.
 */
export async function benchCommands(options: CommandOptions): Promise<CommandFigures> {
  const fixture = await startBenchSandbox();
  const { sandbox, app } = fixture;
  let device: MqttClient | undefined;
  try {
    progress('commands: onboarding one user and connecting device_bench');
    const [username] = await fixture.createUsers(1, 1, 'commander');
    if (!username) throw new Error('no user created');
    const tokens = await app.signIn(username, BENCH_PASSWORD);
    const status = await within(sandbox.services.sfn.waitForExecution(fixture.executionArnOf(tokens)), 30_000, 'onboarding');
    if (status !== 'SUCCEEDED') throw new Error(`onboarding of the commanding user ended ${status}`);
    const registered = await sandbox.registerDevice(DEVICE);
    await app.claimDevice(tokens.idToken, DEVICE, registered.claimCode);
    const DELTA_TOPIC = twinTopic((await app.iotAccess(tokens.idToken)).identityId, DEVICE, 'update/delta');
    device = await sandbox.connectDevice(registered, { clean: true });
    await device.subscribeAsync(DELTA_TOPIC, { qos: 1 });
    const connected = device;

    progress(`commands: ${CLAIM_SAMPLES} claims, one new device each`);
    const claims: number[] = [];
    for (let i = 0; i < CLAIM_SAMPLES; i++) {
      const other = await sandbox.registerDevice(`device_claim${i}`);
      const started = performance.now();
      await app.claimDevice(tokens.idToken, other.thingName, other.claimCode);
      claims.push(performance.now() - started);
    }

    const credentialsBefore = sandbox.faults.stats('cognito-identity:GetCredentialsForIdentity').calls;
    let apiRequests = 0;

    progress(`commands: ${options.samples} sequential commands, API to device delta`);
    const counter = countCalls(sandbox);
    const samplesBefore = counter.snapshot();
    const latencies: number[] = [];
    for (let seq = 0; seq < options.samples; seq++) {
      // A new value each time: the shadow publishes a delta only for a desired change.
      const delta = awaitMessage(connected, DELTA_TOPIC, (m) => (m.state as { seq?: unknown } | undefined)?.seq === seq, DELTA_TIMEOUT_MS);
      const started = performance.now();
      apiRequests++;
      await app.sendCommand(tokens.idToken, DEVICE, { seq, power: seq % 2 === 0 ? 'ON' : 'OFF' });
      await delta;
      latencies.push(performance.now() - started);
    }
    const callsPerCommand = counter.between(samplesBefore, options.samples);

    const sustained: SustainedRate[] = [];
    for (const callers of options.callers) {
      progress(`commands: sustained rate, ${callers} caller(s) for ${options.sustainMs / 1000} s`);
      const run = await sustain(fixture, tokens.idToken, callers, options.sustainMs);
      apiRequests += run.ok + run.errors;
      sustained.push(run);
    }
    const getCredentialsCalls = sandbox.faults.stats('cognito-identity:GetCredentialsForIdentity').calls - credentialsBefore;

    progress(`commands: ${options.handlerCalls} in-process handler calls with a warm cache`);
    const handler = await handlerOverhead(fixture, counter, { idToken: tokens.idToken, username }, options.handlerCalls, 30_000);
    progress(`commands: ${options.handlerCalls} in-process handler calls with the ownership cache cold`);
    const handlerColdOwnership = await handlerOverhead(fixture, counter, { idToken: tokens.idToken, username }, options.handlerCalls, 0);
    counter.stop();

    return {
      apiToDeviceMs: distribution(latencies),
      sustained,
      apiRequests,
      getCredentialsCalls,
      credentialCacheHitRate: 1 - getCredentialsCalls / apiRequests,
      handler,
      handlerColdOwnership,
      claimMs: distribution(claims),
      callsPerCommand,
    };
  } finally {
    await device?.endAsync(true).catch(() => undefined);
    await fixture.close();
  }
}

/** `callers` loops sending commands back to back until `durationMs` is up; any 2xx counts. */
async function sustain(fixture: BenchSandbox, idToken: string, callers: number, durationMs: number): Promise<SustainedRate> {
  const errorCodes: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  // A hard cap on requests per caller as well as the clock: the loop is bounded either way.
  const maxPerCaller = 1_000_000;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; i < maxPerCaller && performance.now() < deadline; i++) {
        try {
          await fixture.app.sendCommand(idToken, DEVICE, { caller, i });
          ok++;
        } catch (error) {
          errors++;
          const code = error instanceof ApiRequestError ? `${error.status} ${error.code}` : errorName(error);
          errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { callers, perSecond: (ok / elapsed) * 1000, ok, errors, errorCodes };
}

/** The function's own IoT control-plane client, pointed at the sandbox, with its DescribeThing calls counted. */
function countingControlPlane(config: Parameters<typeof createIotControlPlane>[0]) {
  const iot = createIotControlPlane(config);
  const describeCalls = { count: 0, reset: () => (describeCalls.count = 0) };
  const countingIot = {
    ...iot,
    describeThing: (input: Parameters<typeof iot.describeThing>[0]) => {
      describeCalls.count++;
      return iot.describeThing(input);
    },
  };
  return { iot, countingIot, describeCalls };
}

/** A command request of the benchmark user, as the HTTP API hands it to the function (payload 2.0). */
function commandEvent(sub: string, username: string) {
  return (seq: number) => ({
    version: '2.0',
    routeKey: ApiRoutes.PublishCommand,
    rawPath: `/devices/${DEVICE}/commands`,
    pathParameters: { thingName: DEVICE },
    body: JSON.stringify({ bench: seq }),
    isBase64Encoded: false,
    requestContext: { requestId: randomUUID(), authorizer: { jwt: { claims: { sub, 'cognito:username': username, token_use: 'id' }, scopes: null } } },
  });
}

/** The function's access cache, wired as handler.ts wires it, with each IoT publish's send() timed. */
function timedAccessCache(
  sandbox: BenchSandbox['sandbox'],
  tuning: { connectionTimeoutMs: number; requestTimeoutMs: number; region: string },
  { cognitoIdp, cognitoIdentity }: { cognitoIdp: CognitoIdentityProviderClient; cognitoIdentity: CognitoIdentityClient },
) {
  const iotClients: IoTDataPlaneClient[] = [];
  const timing = { lastSendMs: Number.NaN };
  const trust = new TrustCache({ check: (token) => checkUser(cognitoIdp, sandbox.userPool.userPoolId, token), now: Date.now });
  const access = new UserAccessCache({
    trust,
    cognitoIdentity,
    iotDataFor: (credentials) => {
      const client = new IoTDataPlaneClient(clientConfig({ ...tuning, endpoint: sandbox.endpoints.iotDataPlane, credentials }));
      iotClients.push(client);
      return {
        send: ((command: PublishCommand) => {
          const started = performance.now();
          return client.send(command).finally(() => {
            timing.lastSendMs = performance.now() - started;
          });
        }) as IoTDataPlaneClient['send'],
      };
    },
    now: Date.now,
    pool: { identityPoolId: sandbox.identityPoolId, developerProviderName: sandbox.developerProviderName },
  });
  return { access, iotClients, timing };
}

/**
 * handleApiRequest in-process, wired as functions/api/publish-command/handler.ts wires it (same
 * client settings, pointed at the sandbox), with the IoT client's send() timed: what the handler
 * adds on top of the publish round trip once a user's access is cached.
 */
async function handlerOverhead(
  fixture: BenchSandbox,
  counter: CallCounter,
  { idToken, username }: { idToken: string; username: string },
  calls: number,
  ownershipTtlMs: number,
): Promise<HandlerFigures> {
  const { sandbox } = fixture;
  const tuning = { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, region: sandbox.region };
  const backend = { accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID, secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY };
  const cognitoIdp = new CognitoIdentityProviderClient(clientConfig({ ...tuning, endpoint: sandbox.endpoints.cognitoIdp, credentials: backend }));
  const cognitoIdentity = new CognitoIdentityClient(clientConfig({ ...tuning, endpoint: sandbox.endpoints.cognitoIdentity, credentials: backend }));
  const { access, iotClients, timing } = timedAccessCache(sandbox, tuning, { cognitoIdp, cognitoIdentity });
  const { iot, countingIot, describeCalls } = countingControlPlane(clientConfig({ ...tuning, endpoint: sandbox.endpoints.iotControlPlane, credentials: backend }));
  const iotData = new IoTDataPlaneClient(clientConfig({ ...tuning, endpoint: sandbox.endpoints.iotDataPlane, credentials: backend }));
  const deps = {
    devices: {
      registry: { iot: countingIot, iotData },
      ownership: new OwnershipCache({ iot: countingIot, now: Date.now, ttlMs: ownershipTtlMs }),
      claimLimiter: new CallerClaimLimiter(() => Math.floor(Date.now() / 1000)),
    },
    access,
    log: silentLog,
    config: { iotEndpoint: sandbox.endpoints.iotDataHost, region: sandbox.region },
    newCommandId: randomUUID,
    ensureOnboarding: async () => {
      throw new Error('the benchmark user is onboarded');
    },
  };
  const event = commandEvent(subOf({ idToken, accessToken: '' }), username);
  try {
    const total: number[] = [];
    const send: number[] = [];
    const overhead: number[] = [];
    // The first calls fill the cache (AdminGetUser, GetOpenIdToken…, GetCredentials…) and warm the JIT.
    const warmUp = 20;
    let mark = counter.snapshot();
    let firstCallCalls: CallCounts = {};
    for (let i = 0; i < warmUp + calls; i++) {
      if (i === warmUp) {
        describeCalls.reset();
        mark = counter.snapshot();
      }
      timing.lastSendMs = Number.NaN;
      const started = performance.now();
      const response = await handleApiRequest(event(i), deps);
      const elapsed = performance.now() - started;
      if (i === 0) firstCallCalls = counter.between(mark);
      if (response.statusCode !== 202) throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
      if (i < warmUp) continue;
      total.push(elapsed);
      send.push(timing.lastSendMs);
      overhead.push(elapsed - timing.lastSendMs);
    }
    if (access.stats.misses !== 1) throw new Error(`expected one cache miss, saw ${access.stats.misses}`);
    return {
      ...distributions({ totalMs: total, sendMs: send, overheadMs: overhead }),
      overheadMedianMs: median(overhead),
      describeThingPerCall: describeCalls.count / calls,
      callsPerCall: counter.between(mark, calls),
      firstCallCalls,
    };
  } finally {
    for (const client of [cognitoIdp, cognitoIdentity, iot, iotData, ...iotClients]) client.destroy();
  }
}

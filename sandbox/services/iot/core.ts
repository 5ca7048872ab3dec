import type { CredentialStore } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { authorize, type AuthorizationContext, type AuthorizationDecision, type AuthorizationRequest, type IotAction, type PolicyDocumentLike } from './authorization';
import { startIotBroker } from './broker';
import { createCertificateRegistry, type CertificateAuthority } from './certificates';
import { startIotControlPlane } from './control-plane';
import { createAuthorizerRegistry, type RegisterAuthorizerInput, type SandboxTimers } from './custom-auth';
import { startIotDataPlane } from './data-plane';
import { startTlsListeners } from './listeners/tls';
import { certificateOperations } from './operations/certificates';
import { thingOperations } from './operations/things';
import { createIotRegistry } from './registry';
import { createShadowEngine } from './shadows';
import { createThingRegistry } from './things';
import { createSandboxTlsMaterial } from './tls';

export interface IotCoreOptions {
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  /** Clock for SigV4 checks, shadow timestamps and lifecycle events. Default `Date.now`. */
  readonly now?: () => number;
  /** Fixed ports; each defaults to an ephemeral one. `dataPlane` also serves MQTT over WebSocket at /mqtt. */
  readonly ports?: { readonly controlPlane?: number; readonly dataPlane?: number; readonly mqtt?: number };
  /**
   * Timers of custom-authorized sessions (refreshAfterInSeconds, disconnectAfterInSeconds) and of
   * the 5-second authorizer timeout. Default: Node's timers. Tests inject their own to make
   * deadlines pass without waiting.
   */
  readonly timers?: SandboxTimers;
  /**
   * Optional TLS listeners with the given key and certificate (PEM), for example from
   * `createSandboxTlsMaterial()` (tls.ts): `wss://` (MQTT over WebSocket, SigV4 or custom
   * authorizer) and `mqtts://` (MQTT over TLS: ALPN `mqtt` = custom authorizer, as on AWS IoT's
   * port 443; no ALPN = X.509 client certificates, as on port 8883). `caPem` is what clients
   * trust; with `caKey` it also signs and verifies device certificates.
   */
  readonly tls?: {
    readonly key: string | Buffer;
    readonly cert: string | Buffer;
    readonly caPem?: string;
    /** The CA's key: with `caPem`, it signs device certificates (else the sandbox makes its own CA). */
    readonly caKey?: string;
    readonly wssPort?: number;
    /** The MQTT/TLS listener (both roles, chosen by ALPN). Default ephemeral. */
    readonly mqttsPort?: number;
    /** A second, identical MQTT/TLS listener, e.g. 8883 next to 443 (`--device-port`). */
    readonly deviceMqttsPort?: number;
  };
  /** Every authorization denial with its reason: the sandbox's answer to AWS IoT's AUTHORIZATION_FAILURE log line. */
  readonly onDenied?: (event: { source: 'mqtt' | 'http'; clientId?: string; action?: IotAction; decision: AuthorizationDecision }) => void;
  /** Every refused MQTT-over-WebSocket upgrade (HTTP 403/404 before the handshake), with its cause. */
  readonly onUpgradeRefused?: (event: { url: string; error: Error }) => void;
}

/**
 * Starts the emulated AWS IoT Core: control plane (policies, TestAuthorization, custom
 * authorizers), data plane (REST + MQTT over WebSocket on one port, like the account's ATS data
 * endpoint), MQTT over TCP, optional TLS listeners, the shadow service and the authorization
 * engine, all sharing one state. Custom authorizers are added with `registerAuthorizer` (or
 * CreateAuthorizer on a function bound with `authorizers.registerFunction`).
 */
export async function startIotCore(opts: IotCoreOptions) {
  const state = createIotState(opts);
  const { registry, things, certificates, shadows, authorizers, decide } = state;
  const broker = await startIotBroker({
    store: opts.store,
    shadows,
    authorize: decide,
    certificates,
    customAuth: { available: () => authorizers.hasActiveAuthorizer(), authenticate: (input) => authorizers.authenticate(input) },
    ...(opts.timers ? { timers: opts.timers } : {}),
    onDenied: ({ clientId, action, decision }) => opts.onDenied?.({ source: 'mqtt', clientId, action, decision }),
    ...(opts.onUpgradeRefused ? { onUpgradeRefused: opts.onUpgradeRefused } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ports?.mqtt !== undefined ? { tcpPort: opts.ports.mqtt } : {}),
  });
  // UpdateCertificate away from ACTIVE drops the certificate's live connections.
  certificates.onStatusChange((c) => {
    if (c.status !== 'ACTIVE') broker.disconnectCertificate(c.certificateId);
  });
  const dataPlane = await startIotDataPlane({
    store: opts.store,
    faults: opts.faults,
    shadows,
    authorize: decide,
    publish: (m) => broker.publish(m),
    onDenied: (decision) => opts.onDenied?.({ source: 'http', decision }),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ports?.dataPlane !== undefined ? { port: opts.ports.dataPlane } : {}),
  });
  dataPlane.server.on('upgrade', broker.handleUpgrade);
  const dataEndpointHost = `127.0.0.1:${dataPlane.port}`;
  const controlPlane = await startIotControlPlane({
    registry,
    store: opts.store,
    faults: opts.faults,
    dataEndpointHost,
    authorizers,
    routers: [thingOperations(things), certificateOperations(certificates)],
    connectionThing: (principal, clientId) => things.connectionThing(principal, clientId),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ports?.controlPlane !== undefined ? { port: opts.ports.controlPlane } : {}),
  });
  const tls = opts.tls
    ? await startTlsListeners({ ...opts.tls, clientCa: [(await state.deviceCa()).cert], handleUpgrade: broker.handleUpgrade, handleConnection: (s) => broker.handleConnection(s) })
    : undefined;

  return {
    /** `AWS_ENDPOINT_URL_IOT`. */
    controlPlaneUrl: controlPlane.url,
    /** `AWS_ENDPOINT_URL_IOT_DATA_PLANE` / the functions' `IOT_DATA_ENDPOINT`. */
    dataPlaneUrl: dataPlane.url,
    /** What DescribeEndpoint returns: host:port of the data endpoint (REST and WebSocket). */
    dataEndpointHost,
    mqttUrl: broker.mqttUrl,
    wsUrl: `ws://${dataEndpointHost}${broker.wsPath}`,
    ...tlsUrls(tls, broker.wsPath),
    /** The CA clients must trust for `mqtts://` and `wss://` (as given in `tls.caPem`). */
    ...(opts.tls?.caPem !== undefined ? { caPem: opts.tls.caPem } : {}),
    ...state,
    broker,
    /** Declares the IAM policy of a role (the identity pool's authenticated role). */
    setRolePolicy: (roleArn: string, document: PolicyDocumentLike | string) => registry.setRolePolicy(roleArn, document),
    /** The engine over this instance's policies (diagnose, TestAuthorization). */
    authorize: decide,
    async close(): Promise<void> {
      await broker.close();
      await Promise.all([dataPlane.close(), controlPlane.close(), tls?.close()]);
    },
  };
}

export type IotCore = Awaited<ReturnType<typeof startIotCore>>;

/** `wssUrl`, `mqttsUrl` (+ `tlsPort`, `wssPort`) and, with a second listener, `deviceMqttsUrl`. */
function tlsUrls(
  ports: { wssPort: number; mqttsPort: number; deviceMqttsPort?: number } | undefined,
  wsPath: string,
): { wssUrl?: string; mqttsUrl?: string; tlsPort?: number; wssPort?: number; deviceMqttsUrl?: string } {
  if (!ports) return {};
  const { wssPort, mqttsPort, deviceMqttsPort } = ports;
  return {
    wssUrl: `wss://127.0.0.1:${wssPort}${wsPath}`,
    mqttsUrl: `mqtts://127.0.0.1:${mqttsPort}`,
    tlsPort: mqttsPort,
    wssPort,
    ...(deviceMqttsPort !== undefined ? { deviceMqttsUrl: `mqtts://127.0.0.1:${deviceMqttsPort}` } : {}),
  };
}

/** The state every front of IoT Core shares, and the authorization engine over it. */
function createIotState(opts: IotCoreOptions) {
  const registry = createIotRegistry(opts.now ? { now: opts.now } : {});
  /** The thing registry (CreateThing & co. operate on the same state). */
  const things = createThingRegistry();
  const deviceCa = deviceCaOf(opts.tls);
  /** Device certificates (CreateKeysAndCertificate & co.). */
  const certificates = createCertificateRegistry({
    ca: deviceCa,
    ...(opts.now ? { now: opts.now } : {}),
    references: (arn) => ({ policies: registry.listAttachedPolicies(arn).items.length, things: things.listPrincipalThings(arn).length }),
  });
  const context: AuthorizationContext = { ...registry.context, connectionThing: (principal, clientId) => things.connectionThing(principal, clientId) };
  /** The endpoint's custom authorizers (CreateAuthorizer & co. operate on the same state). */
  const authorizers = createAuthorizerRegistry({ ...(opts.now ? { now: opts.now } : {}), ...(opts.timers ? { timers: opts.timers } : {}) });
  return {
    registry,
    things,
    certificates,
    deviceCa,
    shadows: createShadowEngine(opts.now ? { now: opts.now } : {}),
    authorizers,
    /**
     * Registers a custom authorizer backed by an in-process handler (the Lambda stand-in); with
     * `makeDefault` it also becomes the endpoint's default authorizer.
     */
    registerAuthorizer: (input: RegisterAuthorizerInput) => authorizers.registerAuthorizer(input),
    decide: (request: AuthorizationRequest) => authorize(request, context),
  };
}

/** The CA that signs device certificates: the TLS CA when given with its key, else one made on first use. */
function deviceCaOf(tls: IotCoreOptions['tls']): () => Promise<CertificateAuthority> {
  if (tls?.caKey && tls.caPem) {
    const ca = { key: tls.caKey, cert: tls.caPem };
    return () => Promise.resolve(ca);
  }
  let made: Promise<CertificateAuthority> | undefined;
  return () => (made ??= createSandboxTlsMaterial().then((m) => ({ key: m.caKey, cert: m.caPem })));
}

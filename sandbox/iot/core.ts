import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { DEFAULT_DEVICE_PREFIX } from '../../functions/shared/iot-policy';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../config';
import type { CredentialStore } from '../credentials';
import type { FaultInjector } from '../faults';
import {
  authorize,
  type AuthorizationDecision,
  type AuthorizationRequest,
  type NamedPolicy,
  type PolicyDocumentLike,
} from './authorization';
import { startIotBroker, type DeviceAuthentication } from './broker';
import { startIotControlPlane } from './control-plane';
import { createAuthorizerRegistry, type RegisterAuthorizerInput, type SandboxTimers } from './custom-auth';
import { startIotDataPlane } from './data-plane';
import { createIotRegistry } from './registry';
import { createCertificateRegistry, type CertificateAuthority } from './certificates';
import { certificateOperations } from './operations/certificates';
import { thingOperations } from './operations/things';
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
   * Plain-TCP devices (the stand-in for X.509 certificates). Default: client ids starting with
   * `device_` connect with {@link deviceCertificatePolicy}. `false` refuses every TCP client
   * that no custom authorizer accepts.
   */
  readonly devices?: DeviceAuthentication | false;
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
   * port 443; no ALPN = the device stand-in, as on port 8883). `caPem` is only passed through to
   * the result for clients to trust.
   */
  readonly tls?: {
    readonly key: string | Buffer;
    readonly cert: string | Buffer;
    readonly caPem?: string;
    /** The CA's key: with `caPem`, it signs device certificates (else the sandbox makes its own CA). */
    readonly caKey?: string;
    readonly wssPort?: number;
    readonly mqttsPort?: number;
  };
  /** Every authorization denial with its reason: the sandbox's answer to AWS IoT's AUTHORIZATION_FAILURE log line. */
  readonly onDenied?: (event: { source: 'mqtt' | 'http'; clientId?: string; decision: AuthorizationDecision }) => void;
}

/**
 * The policy a `device_*` TCP client connects with: its own client id, its own shadow topics.
 * `${iot:ClientId}` keeps it per-device, like a policy attached to each device's certificate.
 */
export function deviceCertificatePolicy(prefix: string = DEFAULT_DEVICE_PREFIX): NamedPolicy {
  const arn = (resource: string) => `arn:aws:iot:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:${resource}`;
  const ownShadow = '$aws/things/${iot:ClientId}/shadow/*';
  const document: PolicyDocumentLike = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['iot:Connect'], Resource: [arn(`client/${prefix}*`)] },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [arn(`topic/${ownShadow}`)] },
      { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: [arn(`topicfilter/${ownShadow}`)] },
    ],
  };
  return { name: 'sandbox-device-certificate-policy', document };
}

/**
 * Starts the emulated AWS IoT Core: control plane (policies, TestAuthorization, custom
 * authorizers), data plane (REST + MQTT over WebSocket on one port, like the account's ATS data
 * endpoint), MQTT over TCP, optional TLS listeners, the shadow service and the authorization
 * engine, all sharing one state. Custom authorizers are added with `registerAuthorizer` (or
 * CreateAuthorizer on a function bound with `authorizers.registerFunction`).
 */
export async function startIotCore(opts: IotCoreOptions) {
  const registry = createIotRegistry(opts.now ? { now: opts.now } : {});
  const things = createThingRegistry();
  const certificates = createCertificateRegistry({
    ca: deviceCa(opts.tls),
    ...(opts.now ? { now: opts.now } : {}),
    references: (arn) => ({ policies: registry.listAttachedPolicies(arn).items.length, things: things.listPrincipalThings(arn).length }),
  });
  const shadows = createShadowEngine(opts.now ? { now: opts.now } : {});
  const decide = (request: AuthorizationRequest) => authorize(request, registry.context);
  const authorizers = createAuthorizerRegistry({ ...(opts.now ? { now: opts.now } : {}), ...(opts.timers ? { timers: opts.timers } : {}) });
  const devices: DeviceAuthentication | undefined =
    opts.devices === false ? undefined : (opts.devices ?? { clientIdPrefix: DEFAULT_DEVICE_PREFIX, policies: [deviceCertificatePolicy()] });

  const broker = await startIotBroker({
    store: opts.store,
    shadows,
    authorize: decide,
    ...(devices ? { devices } : {}),
    customAuth: {
      available: () => authorizers.hasActiveAuthorizer(),
      authenticate: (input) => authorizers.authenticate(input),
    },
    ...(opts.timers ? { timers: opts.timers } : {}),
    onDenied: ({ clientId, decision }) => opts.onDenied?.({ source: 'mqtt', clientId, decision }),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ports?.mqtt !== undefined ? { tcpPort: opts.ports.mqtt } : {}),
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
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ports?.controlPlane !== undefined ? { port: opts.ports.controlPlane } : {}),
  });

  let wss: HttpsServer | undefined;
  let mqtts: TlsServer | undefined;
  const tlsSockets = new Set<Duplex>();
  if (opts.tls) {
    const { key, cert } = opts.tls;
    wss = createHttpsServer({ key, cert }, (_req, res) => {
      res.writeHead(404).end();
    });
    wss.on('upgrade', broker.handleUpgrade);
    // "MQTT | Custom authentication | 443 | ALPN mqtt": a client offering other ALPN names fails
    // the handshake; one offering none is treated like port 8883 (see broker.ts).
    mqtts = createTlsServer({ key, cert, ALPNProtocols: ['mqtt'] }, (socket) => {
      tlsSockets.add(socket);
      socket.on('close', () => tlsSockets.delete(socket));
      broker.handleConnection(socket);
    });
    await listen(wss, opts.tls.wssPort ?? 0);
    await listen(mqtts, opts.tls.mqttsPort ?? 0);
  }
  const portOf = (server: HttpsServer | TlsServer | undefined) => (server ? (server.address() as AddressInfo).port : undefined);
  const wssPort = portOf(wss);
  const mqttsPort = portOf(mqtts);

  return {
    /** `AWS_ENDPOINT_URL_IOT`. */
    controlPlaneUrl: controlPlane.url,
    /** `AWS_ENDPOINT_URL_IOT_DATA_PLANE` / the functions' `IOT_DATA_ENDPOINT`. */
    dataPlaneUrl: dataPlane.url,
    /** What DescribeEndpoint returns: host:port of the data endpoint (REST and WebSocket). */
    dataEndpointHost,
    mqttUrl: broker.mqttUrl,
    wsUrl: `ws://${dataEndpointHost}${broker.wsPath}`,
    ...(wssPort !== undefined ? { wssUrl: `wss://127.0.0.1:${wssPort}${broker.wsPath}` } : {}),
    ...(mqttsPort !== undefined ? { mqttsUrl: `mqtts://127.0.0.1:${mqttsPort}`, tlsPort: mqttsPort } : {}),
    ...(wssPort !== undefined ? { wssPort } : {}),
    /** The CA clients must trust for `mqtts://` and `wss://` (as given in `tls.caPem`). */
    ...(opts.tls?.caPem !== undefined ? { caPem: opts.tls.caPem } : {}),
    registry,
    /** The thing registry (CreateThing & co. operate on the same state). */
    things,
    /** Device certificates (CreateKeysAndCertificate & co.). */
    certificates,
    /** The endpoint's custom authorizers (CreateAuthorizer & co. operate on the same state). */
    authorizers,
    /**
     * Registers a custom authorizer backed by an in-process handler (the Lambda stand-in); with
     * `makeDefault` it also becomes the endpoint's default authorizer.
     */
    registerAuthorizer: (input: RegisterAuthorizerInput) => authorizers.registerAuthorizer(input),
    shadows,
    broker,
    /** Declares the IAM policy of a role (the identity pool's authenticated role). */
    setRolePolicy: (roleArn: string, document: PolicyDocumentLike | string) => registry.setRolePolicy(roleArn, document),
    /** The engine over this instance's policies (diagnose, TestAuthorization). */
    authorize: decide,
    async close(): Promise<void> {
      await broker.close();
      for (const socket of tlsSockets) socket.destroy();
      await Promise.all([
        dataPlane.close(),
        controlPlane.close(),
        ...[wss, mqtts].map((s) => (s ? closeServer(s) : Promise.resolve())),
      ]);
    },
  };
}

export type IotCore = Awaited<ReturnType<typeof startIotCore>>;

/** The CA that signs device certificates: the TLS CA when given, else one made on first use. */
function deviceCa(tls: IotCoreOptions['tls']): () => Promise<CertificateAuthority> {
  if (tls?.caKey && tls.caPem) {
    const ca = { key: tls.caKey, cert: tls.caPem };
    return () => Promise.resolve(ca);
  }
  let made: Promise<CertificateAuthority> | undefined;
  return () => (made ??= createSandboxTlsMaterial().then((m) => ({ key: m.caKey, cert: m.caPem })));
}

function listen(server: HttpsServer | TlsServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function closeServer(server: HttpsServer | TlsServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

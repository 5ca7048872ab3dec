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
import { startIotBroker, type DeviceAuthentication, type IotBroker } from './broker';
import { startIotControlPlane } from './control-plane';
import { createAuthorizerRegistry, type RegisterAuthorizerInput, type SandboxTimers } from './custom-auth';
import { startIotDataPlane } from './data-plane';
import { createIotRegistry } from './registry';
import { createShadowEngine } from './shadows';

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
    readonly wssPort?: number;
    /** The MQTT/TLS listener (both roles, chosen by ALPN). Default ephemeral. */
    readonly mqttsPort?: number;
    /** A second, identical MQTT/TLS listener, e.g. 8883 next to 443 (`--device-port`). */
    readonly deviceMqttsPort?: number;
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
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.ports?.controlPlane !== undefined ? { port: opts.ports.controlPlane } : {}),
  });

  const tls = opts.tls ? await startTlsListeners(opts.tls, broker) : undefined;

  return {
    /** `AWS_ENDPOINT_URL_IOT`. */
    controlPlaneUrl: controlPlane.url,
    /** `AWS_ENDPOINT_URL_IOT_DATA_PLANE` / the functions' `IOT_DATA_ENDPOINT`. */
    dataPlaneUrl: dataPlane.url,
    /** What DescribeEndpoint returns: host:port of the data endpoint (REST and WebSocket). */
    dataEndpointHost,
    mqttUrl: broker.mqttUrl,
    wsUrl: `ws://${dataEndpointHost}${broker.wsPath}`,
    ...tlsUrls(tls?.ports, broker.wsPath),
    /** The CA clients must trust for `mqtts://` and `wss://` (as given in `tls.caPem`). */
    ...(opts.tls?.caPem !== undefined ? { caPem: opts.tls.caPem } : {}),
    registry,
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

/**
 * The TLS listeners: `wss://` (MQTT over WebSocket) and `mqtts://` (MQTT over TLS), plus an
 * optional second `mqtts://` port (`deviceMqttsPort`, e.g. 8883 next to 443). Every `mqtts://`
 * listener plays both roles: "MQTT | Custom authentication | 443 | ALPN mqtt": a client offering
 * other ALPN names fails the handshake; one offering none is treated like port 8883 (see broker.ts).
 */
async function startTlsListeners(tls: NonNullable<IotCoreOptions['tls']>, broker: Pick<IotBroker, 'handleUpgrade' | 'handleConnection'>) {
  const { key, cert } = tls;
  const sockets = new Set<Duplex>();
  const wss = createHttpsServer({ key, cert }, (_req, res) => {
    res.writeHead(404).end();
  });
  wss.on('upgrade', broker.handleUpgrade);
  const mqttsServer = () =>
    createTlsServer({ key, cert, ALPNProtocols: ['mqtt'] }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      broker.handleConnection(socket);
    });
  const mqtts = mqttsServer();
  const deviceMqtts = tls.deviceMqttsPort !== undefined ? mqttsServer() : undefined;
  try {
    await listen(wss, tls.wssPort ?? 0);
    await listen(mqtts, tls.mqttsPort ?? 0);
    if (deviceMqtts) await listen(deviceMqtts, tls.deviceMqttsPort ?? 0);
  } catch (error) {
    for (const server of [wss, mqtts, deviceMqtts]) server?.close();
    throw error;
  }
  const portOf = (server: HttpsServer | TlsServer) => (server.address() as AddressInfo).port;
  return {
    ports: { wssPort: portOf(wss), mqttsPort: portOf(mqtts), ...(deviceMqtts ? { deviceMqttsPort: portOf(deviceMqtts) } : {}) },
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await Promise.all([wss, mqtts, deviceMqtts].map((server) => (server ? closeServer(server) : undefined)));
    },
  };
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

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { AuthenticateError, Client } from 'aedes';
import { iotArn, type IotPrincipal } from '../authorization';
import { certificateIdOf } from '../certificates';
import { tlsFacts } from '../custom-auth';
import { startSession, type AuthenticatedOutcome } from './sessions';
import type { BrokerState, Connection } from './state';

/**
 * CONNECT: who the client is (SigV4 at upgrade, custom authorizer, client certificate), then
 * iot:Connect on `client/<clientId>`. Transport rules ("Protocols, port mappings, and
 * authentication", https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html):
 * WebSocket = SigV4 or custom authorizer; TLS with ALPN `mqtt` = custom authorizer only (port
 * 443); TLS with ALPN `x-amzn-mqtt-ca` (443) or without ALPN (8883) = X.509 client certificates
 * only; plain TCP (a sandbox
 * convenience, AWS has none) = the custom authorizer only. A client id alone is never a credential.
 */

/** Who a CONNECT is, or why it was refused before policies were consulted. */
interface Identification {
  readonly principal?: IotPrincipal;
  readonly session?: AuthenticatedOutcome;
  readonly refusal?: { readonly reason: 'custom-auth-refused' | 'certificate-refused'; readonly detail: string };
}

/** AWS IoT Core client id limit ("AWS IoT Core message broker quotas": 128 bytes). */
export const MAX_CLIENT_ID_BYTES = 128;
const NOT_AUTHORIZED = 5;
const IDENTIFIER_REJECTED = 2;

const authError = (message: string, returnCode: number): AuthenticateError =>
  Object.assign(new Error(message), { returnCode }) as AuthenticateError;

type Credentials = { username: string | undefined; password: Buffer | undefined };

async function customAuthenticate(
  state: BrokerState,
  client: Client,
  credentials: Credentials,
  transport: { request?: IncomingMessage; secure: boolean; serverName?: string },
): Promise<Identification> {
  const customAuth = state.opts.customAuth;
  if (!customAuth?.available()) return {};
  const outcome = await customAuth.authenticate({ clientId: client.id, ...credentials, ...transport });
  return outcome.authenticated ? { principal: outcome.principal, session: outcome } : { refusal: { reason: 'custom-auth-refused', detail: outcome.detail } };
}

const certificateRefusal = (detail: string): Identification => ({ refusal: { reason: 'certificate-refused', detail } });

/**
 * The X.509 endpoint: the TLS handshake requested a client certificate and verified its chain
 * against the sandbox CA; the registry must know it (id = SHA-256 of the DER) and it must be ACTIVE.
 */
function certificateAuthenticate(state: BrokerState, socket: TLSSocket): Identification {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return certificateRefusal('no client certificate: the X.509 endpoint (TLS without ALPN "mqtt": AWS port 8883, or 443 with ALPN "x-amzn-mqtt-ca") requires one');
  if (!socket.authorized) return certificateRefusal(`client certificate not signed by the sandbox CA (${String(socket.authorizationError)})`);
  const certificateId = certificateIdOf(peer.raw);
  const certificate = state.opts.certificates?.find(certificateId);
  if (!certificate) return certificateRefusal(`certificate ${certificateId} is not registered`);
  if (certificate.status !== 'ACTIVE') return certificateRefusal(`certificate ${certificateId} is ${certificate.status}`);
  return { principal: { kind: 'certificate', certificateId, certificateArn: certificate.certificateArn } };
}

async function identify(state: BrokerState, client: Client, credentials: Credentials): Promise<Identification> {
  const request = client.req;
  if (request) {
    const signed = state.upgradePrincipals.get(request);
    if (signed) return { principal: signed };
    const { secure, serverName } = tlsFacts(request.socket);
    return customAuthenticate(state, client, credentials, { request, secure, ...(serverName ? { serverName } : {}) });
  }
  const tls = tlsFacts(client.conn);
  if (tls.secure && tls.alpn === 'mqtt') {
    // Port 443 with ALPN "mqtt" is custom authentication only: no certificate stand-in here.
    return customAuthenticate(state, client, credentials, { secure: true, ...(tls.serverName ? { serverName: tls.serverName } : {}) });
  }
  if (tls.secure) return certificateAuthenticate(state, client.conn as TLSSocket);
  return customAuthenticate(state, client, credentials, { secure: false });
}

/** Registers an accepted connection; an earlier client with the same id is being taken over. */
function admit(state: BrokerState, client: Client, principal: IotPrincipal, session: AuthenticatedOutcome | undefined): void {
  const previous = state.connected.get(client.id);
  const previousInfo = previous && previous !== client ? state.connections.get(previous) : undefined;
  // "Two clients with the same client ID can't be connected concurrently": the earlier one is dropped.
  if (previousInfo) previousInfo.disconnectReason = 'DUPLICATE_CLIENTID';
  const versionNumber = state.versions.get(client.id) ?? 0;
  state.versions.set(client.id, versionNumber + 1);
  const info: Connection = { principal, sessionIdentifier: randomUUID(), versionNumber, ipAddress: remoteAddress(client), timers: [], ended: false };
  state.connections.set(client, info);
  if (session) startSession(state, client, info, session);
}

type Done = (error: AuthenticateError | null, success: boolean | null) => void;

function decide(state: BrokerState, client: Client, { principal, session, refusal }: Identification, done: Done): void {
  if (refusal !== undefined) {
    // The authorizer refused (isAuthenticated false, invalid answer, failure) or the certificate
    // is missing, unknown or not ACTIVE: CONNACK 5.
    state.deny(client, { allowed: false, ...refusal }, 'iot:Connect');
    done(authError(refusal.detail, NOT_AUTHORIZED), null);
    return;
  }
  const decision = state.opts.authorize({ principal, action: 'iot:Connect', resource: iotArn('client', client.id), clientId: client.id });
  if (!principal || !decision.allowed) {
    state.deny(client, decision, 'iot:Connect');
    // AWS IoT refuses an unauthorized CONNECT; CONNACK 5 ("not authorized") tells MQTT 3.1.1 clients why.
    done(authError(decision.detail, NOT_AUTHORIZED), null);
    return;
  }
  admit(state, client, principal, session);
  done(null, true);
}

/** aedes' `authenticate` hook. */
export function authenticateHook(state: BrokerState) {
  return (client: Client, username: string | undefined, password: Buffer | undefined, done: Done): void => {
    if (Buffer.byteLength(client.id) > MAX_CLIENT_ID_BYTES) {
      done(authError(`client id longer than ${MAX_CLIENT_ID_BYTES} bytes`, IDENTIFIER_REJECTED), null);
      return;
    }
    identify(state, client, { username: username ?? undefined, password: password ?? undefined }).then(
      (identification) => decide(state, client, identification, done),
      (error: unknown) => done(authError(`authentication failed: ${String(error)}`, NOT_AUTHORIZED), null),
    );
  };
}

function remoteAddress(client: Client): string | undefined {
  const fromReq = client.req?.socket.remoteAddress;
  if (fromReq) return fromReq;
  const conn = client.conn as Duplex & { remoteAddress?: string };
  return conn.remoteAddress;
}

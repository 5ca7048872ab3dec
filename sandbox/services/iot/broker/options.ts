import type { CredentialStore } from '../../../wire/credentials';
import type { AwsServiceError } from '../../../wire/http';
import type { AuthorizationDecision, AuthorizationRequest, IotAction } from '../authorization';
import type { CustomAuthConnectInput, CustomAuthOutcome, SandboxTimers } from '../custom-auth';
import type { ShadowEngine } from '../shadows';

/** The device certificates the X.509 endpoint accepts (certificates.ts). */
export interface CertificateLookup {
  /** The registered certificate with this id (hex SHA-256 of the DER), if any. */
  find(certificateId: string): { readonly certificateId: string; readonly certificateArn: string; readonly status: string } | undefined;
}

/** The custom authorizers of the endpoint (custom-auth/ `createAuthorizerRegistry`). */
export interface CustomAuthentication {
  /** False when no authorizer is ACTIVE: unsigned clients are then refused outright. */
  available(): boolean;
  authenticate(input: CustomAuthConnectInput): Promise<CustomAuthOutcome>;
}

export interface BrokerOptions {
  readonly store: CredentialStore;
  readonly shadows: ShadowEngine;
  readonly authorize: (request: AuthorizationRequest) => AuthorizationDecision;
  /** Device certificates: TLS clients without ALPN must present an ACTIVE one. Absent: none is accepted. */
  readonly certificates?: CertificateLookup;
  /**
   * Custom authorizers: asked for WebSocket clients without SigV4, TLS clients with ALPN `mqtt`
   * and plain-TCP clients.
   */
  readonly customAuth?: CustomAuthentication;
  /** Session deadlines and refreshes of custom-authorized connections. Default: Node timers. */
  readonly timers?: SandboxTimers;
  /** Every denial, with the engine's reason (AWS only logs these; the sandbox lets you see them). */
  readonly onDenied?: (event: { clientId: string; action: IotAction; decision: AuthorizationDecision }) => void;
  /** Every refused WebSocket upgrade (signature problems), for logs. */
  readonly onUpgradeRefused?: (event: { url: string; error: AwsServiceError | Error }) => void;
  readonly now?: () => number;
  /** TCP port for `mqtt://`; default ephemeral. */
  readonly tcpPort?: number;
  /** The path WebSocket clients connect to. Default `/mqtt` (the AWS IoT path). */
  readonly wsPath?: string;
}

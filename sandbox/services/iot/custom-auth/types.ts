import type { IncomingMessage } from 'node:http';
import type { PolicyDocumentLike } from '../../../../functions/shared/iot-policy/engine';
import type { CustomAuthorizerPrincipal } from '../authorization';

export type AuthorizerStatus = 'ACTIVE' | 'INACTIVE';

/** The event the device gateway sends an authorizer Lambda. */
export interface CustomAuthorizerEvent {
  readonly token?: string;
  readonly signatureVerified: boolean;
  readonly protocols: ReadonlyArray<'tls' | 'http' | 'mqtt'>;
  readonly protocolData: {
    readonly tls?: { readonly serverName: string };
    readonly http?: { readonly headers: Readonly<Record<string, string>>; readonly queryString: string };
    readonly mqtt?: { readonly username?: string; readonly password?: string; readonly clientId?: string };
  };
  readonly connectionMetadata: { readonly id: string };
}

/** An authorizer Lambda: any answer is validated as AWS validates it, so it is typed `unknown`. */
export type CustomAuthorizerHandler = (event: CustomAuthorizerEvent) => Promise<unknown>;

/** A response that passed validation, with the policy documents parsed. */
export interface ValidAuthorizerResponse {
  readonly isAuthenticated: true;
  readonly principalId: string;
  readonly policyDocuments: readonly string[];
  readonly parsedPolicies: readonly PolicyDocumentLike[];
  readonly disconnectAfterInSeconds: number;
  readonly refreshAfterInSeconds: number;
}

export type AuthorizerInvocation =
  | { readonly ok: true; readonly response: ValidAuthorizerResponse }
  /** `isAuthenticated: false`, a thrown or timed-out handler, or an invalid response. */
  | { readonly ok: false; readonly kind: 'not-authenticated' | 'failed' | 'invalid-response'; readonly detail: string };

// Shared by every service with deadlines (IoT sessions, Step Functions callbacks): wire/timers.ts.
export { realTimers, type SandboxTimers } from '../../../wire/timers';

export interface AuthorizerDescription {
  readonly authorizerName: string;
  readonly authorizerArn: string;
  readonly authorizerFunctionArn: string;
  readonly tokenKeyName?: string;
  readonly status: AuthorizerStatus;
  readonly signingDisabled: boolean;
  readonly enableCachingForHttp: boolean;
  readonly creationDate: Date;
  readonly lastModifiedDate: Date;
}

export interface RegisterAuthorizerInput {
  readonly name: string;
  readonly handler: CustomAuthorizerHandler;
  /** Default `ACTIVE`. */
  readonly status?: AuthorizerStatus;
  /** Token signing is not emulated: must be `true`. */
  readonly signingDisabled: true;
  /** Query parameter / header / username query key whose value becomes the event's `token`. */
  readonly tokenKeyName?: string;
  /** The Lambda ARN DescribeAuthorizer reports. Default `arn:aws:lambda:<region>:<account>:function:<name>`. */
  readonly functionArn?: string;
  /** Also make it the endpoint's default authorizer (SetDefaultAuthorizer). Default false. */
  readonly makeDefault?: boolean;
}

/** The CreateAuthorizer / UpdateAuthorizer members the sandbox understands. */
export interface AuthorizerSettings {
  readonly authorizerFunctionArn?: string;
  readonly status?: AuthorizerStatus;
  readonly signingDisabled?: boolean;
  readonly tokenKeyName?: string;
  readonly tokenSigningPublicKeys?: Readonly<Record<string, string>>;
  readonly enableCachingForHttp?: boolean;
}

/** What the broker knows about a CONNECT that needs a custom authorizer. */
export interface CustomAuthConnectInput {
  readonly clientId: string;
  readonly username: string | undefined;
  readonly password: Buffer | undefined;
  /** The WebSocket upgrade request, when the client came over WebSocket. */
  readonly request?: IncomingMessage;
  /** True over TLS (mqtts, wss): the event then lists the `tls` protocol. */
  readonly secure: boolean;
  /** The TLS SNI host name the client sent, if any. */
  readonly serverName?: string;
}

export type CustomAuthOutcome =
  | {
      readonly authenticated: true;
      readonly authorizerName: string;
      readonly principal: CustomAuthorizerPrincipal;
      readonly disconnectAfterInSeconds: number;
      readonly refreshAfterInSeconds: number;
      /** Invokes the authorizer again with the same connection data (the policy refresh). */
      refresh(): Promise<CustomAuthOutcome>;
    }
  | { readonly authenticated: false; readonly authorizerName?: string; readonly detail: string };


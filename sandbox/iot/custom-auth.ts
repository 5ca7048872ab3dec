import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../config';
import { AwsServiceError } from '../http';
import type { PolicyDocumentLike } from '../../functions/shared/iot-policy-engine';
import type { CustomAuthorizerPrincipal } from './authorization';
import { parsePolicyDocument } from './registry';

/**
 * AWS IoT Core custom authentication in the sandbox: the authorizer resources of the control
 * plane, the event the device gateway sends the authorizer, and the checks it applies to the
 * answer. Mirrored AWS behaviour (AWS IoT Core Developer Guide):
 *
 *  - "Creating and managing custom authorizers": an authorizer has a name, a Lambda function, a
 *    status (ACTIVE | INACTIVE), an optional token key name and a signing-disabled flag. The
 *    authorizer Lambda has 5 seconds.
 *  - "Connecting to AWS IoT Core by using custom authentication": MQTT clients name the
 *    authorizer in the CONNECT username's query string (`user?x-amz-customauthorizer-name=NAME`),
 *    WebSocket clients in the `x-amz-customauthorizer-name` header or query parameter; without a
 *    name the endpoint's default authorizer (SetDefaultAuthorizer) is used. The password reaches
 *    the Lambda base64-encoded.
 *  - "Defining your Lambda function": the event ({ token?, signatureVerified, protocols,
 *    protocolData: { tls: { serverName }, http: { headers, queryString }, mqtt: { username,
 *    password, clientId } }, connectionMetadata: { id } }) and the response (isAuthenticated,
 *    principalId matching ([a-zA-Z0-9]){1,128}, at most 10 policyDocuments of at most 2,048
 *    characters each, disconnectAfterInSeconds and refreshAfterInSeconds in 300..86,400).
 *  - "Custom authentication workflow": the connection is then authorized against exactly the
 *    returned policy documents; at refreshAfterInSeconds the Lambda is invoked again for fresh
 *    policies, and at disconnectAfterInSeconds the connection is closed.
 *
 * Token signing is not emulated: only authorizers with `signingDisabled: true` exist here.
 */

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

/** One-shot timers, injectable so tests can make session deadlines pass without waiting. */
export interface SandboxTimers {
  /** Runs `fn` once after `delayMs`; the returned function cancels it. */
  setTimeout(fn: () => void, delayMs: number): () => void;
}

/** Node's timers, unref'd: a pending session deadline never keeps the process alive. */
export const realTimers: SandboxTimers = {
  setTimeout(fn, delayMs) {
    const handle = setTimeout(fn, delayMs);
    handle.unref();
    return () => clearTimeout(handle);
  },
};

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

/** The authorizer Lambda has 5 seconds ("Creating and managing custom authorizers"). */
export const AUTHORIZER_TIMEOUT_MS = 5_000;
/** Response bounds ("Defining your Lambda function"). */
const PRINCIPAL_ID = /^[a-zA-Z0-9]{1,128}$/;
const MAX_POLICY_DOCUMENTS = 10;
const MAX_POLICY_DOCUMENT_CHARS = 2_048;
const MIN_SESSION_S = 300;
const MAX_SESSION_S = 86_400;
/** CreateAuthorizer constraints (API reference): name `[\w=,@-]+` (1-128), token key `[a-zA-Z0-9_-]+` (1-128). */
const AUTHORIZER_NAME = /^[\w=,@-]{1,128}$/;
const TOKEN_KEY_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** The name a client uses to pick an authorizer (username query, WebSocket header or query). */
export const AUTHORIZER_NAME_KEY = 'x-amz-customauthorizer-name';

interface AuthorizerRecord {
  description: AuthorizerDescription;
}

const authorizerArn = (name: string) => `arn:aws:iot:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:authorizer/${name}`;
const functionArnFor = (name: string) => `arn:aws:lambda:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:function:${name}`;
const invalidRequest = (message: string) => new AwsServiceError(400, 'InvalidRequestException', message);

/**
 * The authorizer resources of one IoT endpoint, and the Lambda functions they may point at
 * (the sandbox's stand-in for Lambda: a function ARN bound to an in-process handler).
 */
export function createAuthorizerRegistry(opts: { now?: () => number; timers?: SandboxTimers } = {}) {
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? realTimers;
  const functions = new Map<string, CustomAuthorizerHandler>();
  const authorizers = new Map<string, AuthorizerRecord>();
  let defaultName: string | undefined;

  const notFound = (name: string) => new AwsServiceError(404, 'ResourceNotFoundException', `Authorizer not found: ${name}`);
  const require = (name: string): AuthorizerRecord => {
    const found = authorizers.get(name);
    if (!found) throw notFound(name);
    return found;
  };

  function checkSettings(settings: AuthorizerSettings): void {
    if (settings.signingDisabled === false || (settings.signingDisabled === undefined && settings.tokenSigningPublicKeys !== undefined)) {
      throw invalidRequest('The sandbox does not emulate token signing: create authorizers with signingDisabled: true');
    }
    if (settings.tokenKeyName !== undefined && !TOKEN_KEY_NAME.test(settings.tokenKeyName)) {
      throw invalidRequest(`tokenKeyName must match [a-zA-Z0-9_-]+ (1-128 characters)`);
    }
    if (settings.status !== undefined && settings.status !== 'ACTIVE' && settings.status !== 'INACTIVE') {
      throw invalidRequest(`status must be ACTIVE or INACTIVE`);
    }
    if (settings.authorizerFunctionArn !== undefined && !functions.has(settings.authorizerFunctionArn)) {
      throw invalidRequest(`No sandbox Lambda function is registered as ${settings.authorizerFunctionArn} (registerAuthorizerFunction)`);
    }
  }

  const registry = {
    /** Binds a Lambda function ARN to an in-process handler, for CreateAuthorizer to point at. */
    registerFunction(functionArn: string, handler: CustomAuthorizerHandler): void {
      functions.set(functionArn, handler);
    },

    /** CreateAuthorizer: ResourceAlreadyExistsException for an existing name. */
    createAuthorizer(name: string, settings: AuthorizerSettings): AuthorizerDescription {
      if (!AUTHORIZER_NAME.test(name)) throw invalidRequest(`authorizerName must match [\\w=,@-]+ (1-128 characters)`);
      if (authorizers.has(name)) {
        throw new AwsServiceError(409, 'ResourceAlreadyExistsException', `Authorizer already exists: ${name}`);
      }
      if (settings.authorizerFunctionArn === undefined) throw invalidRequest('authorizerFunctionArn is required');
      checkSettings(settings);
      const at = new Date(now());
      const description: AuthorizerDescription = {
        authorizerName: name,
        authorizerArn: authorizerArn(name),
        authorizerFunctionArn: settings.authorizerFunctionArn,
        ...(settings.tokenKeyName !== undefined ? { tokenKeyName: settings.tokenKeyName } : {}),
        status: settings.status ?? 'ACTIVE',
        signingDisabled: true,
        enableCachingForHttp: settings.enableCachingForHttp ?? false,
        creationDate: at,
        lastModifiedDate: at,
      };
      authorizers.set(name, { description });
      return description;
    },

    /** UpdateAuthorizer: changes the given members only. */
    updateAuthorizer(name: string, settings: AuthorizerSettings): AuthorizerDescription {
      const record = require(name);
      checkSettings(settings);
      const { tokenKeyName, ...rest } = record.description;
      const keyName = settings.tokenKeyName ?? tokenKeyName;
      record.description = {
        ...rest,
        ...(keyName !== undefined ? { tokenKeyName: keyName } : {}),
        ...(settings.authorizerFunctionArn !== undefined ? { authorizerFunctionArn: settings.authorizerFunctionArn } : {}),
        ...(settings.status !== undefined ? { status: settings.status } : {}),
        ...(settings.enableCachingForHttp !== undefined ? { enableCachingForHttp: settings.enableCachingForHttp } : {}),
        lastModifiedDate: new Date(now()),
      };
      return record.description;
    },

    describeAuthorizer(name: string): AuthorizerDescription {
      return require(name).description;
    },

    /** SetDefaultAuthorizer: the authorizer clients get when they name none. */
    setDefaultAuthorizer(name: string): AuthorizerDescription {
      const record = require(name);
      defaultName = name;
      return record.description;
    },

    /** DescribeDefaultAuthorizer: ResourceNotFoundException when none is set. */
    describeDefaultAuthorizer(): AuthorizerDescription {
      if (defaultName === undefined) throw new AwsServiceError(404, 'ResourceNotFoundException', 'No default authorizer is set');
      return require(defaultName).description;
    },

    /**
     * The sandbox's one-call form of CreateFunction + CreateAuthorizer (+ SetDefaultAuthorizer):
     * the handler receives the AWS event and its answer is validated like AWS does.
     */
    registerAuthorizer(input: RegisterAuthorizerInput): AuthorizerDescription {
      const functionArn = input.functionArn ?? functionArnFor(input.name);
      registry.registerFunction(functionArn, input.handler);
      const description = registry.createAuthorizer(input.name, {
        authorizerFunctionArn: functionArn,
        status: input.status ?? 'ACTIVE',
        signingDisabled: input.signingDisabled,
        ...(input.tokenKeyName !== undefined ? { tokenKeyName: input.tokenKeyName } : {}),
      });
      if (input.makeDefault) registry.setDefaultAuthorizer(input.name);
      return description;
    },

    /** Whether a client without SigV4 could be authenticated at all (one ACTIVE authorizer). */
    hasActiveAuthorizer(): boolean {
      return [...authorizers.values()].some((r) => r.description.status === 'ACTIVE');
    },

    /** Invokes an authorizer's function with an event and validates the answer. */
    async invoke(name: string, event: CustomAuthorizerEvent): Promise<AuthorizerInvocation> {
      const { description } = require(name);
      const handler = functions.get(description.authorizerFunctionArn);
      if (!handler) return { ok: false, kind: 'failed', detail: `authorizer ${name}: function ${description.authorizerFunctionArn} is not registered` };
      return invokeHandler(handler, event, timers, name);
    },

    /**
     * Authenticates an MQTT CONNECT with the authorizer the client named (or the default one):
     * builds the event, invokes, validates, and returns the principal or why it was refused.
     */
    async authenticate(input: CustomAuthConnectInput): Promise<CustomAuthOutcome> {
      const name = authorizerNameOf(input) ?? defaultName;
      if (name === undefined) {
        return refused(undefined, `no authorizer was named (${AUTHORIZER_NAME_KEY}) and the endpoint has no default authorizer (SetDefaultAuthorizer)`);
      }
      const record = authorizers.get(name);
      if (!record) return refused(name, `authorizer ${name} does not exist`);
      if (record.description.status !== 'ACTIVE') return refused(name, `authorizer ${name} is ${record.description.status}`);
      const event = connectEvent(input, record.description, randomUUID());
      const attempt = async (): Promise<CustomAuthOutcome> => {
        const result = await registry.invoke(name, event);
        if (!result.ok) return refused(name, result.detail);
        const { response } = result;
        return {
          authenticated: true,
          authorizerName: name,
          principal: { kind: 'custom', principalId: response.principalId, policyDocuments: response.parsedPolicies },
          disconnectAfterInSeconds: response.disconnectAfterInSeconds,
          refreshAfterInSeconds: response.refreshAfterInSeconds,
          // A refresh re-sends the same connection's event (same connectionMetadata.id).
          refresh: attempt,
        };
      };
      return attempt();
    },

    clear(): void {
      functions.clear();
      authorizers.clear();
      defaultName = undefined;
    },
  };
  return registry;
}

export type AuthorizerRegistry = ReturnType<typeof createAuthorizerRegistry>;

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

function refused(authorizerName: string | undefined, detail: string): CustomAuthOutcome {
  return { authenticated: false, ...(authorizerName !== undefined ? { authorizerName } : {}), detail };
}

/** `user?x-amz-customauthorizer-name=A&SDK=…` → the user part and the query parameters. */
export function parseMqttUsername(username: string | undefined): { readonly user: string | undefined; readonly params: URLSearchParams } {
  if (username === undefined) return { user: undefined, params: new URLSearchParams() };
  const at = username.indexOf('?');
  if (at < 0) return { user: username, params: new URLSearchParams() };
  return { user: username.slice(0, at), params: new URLSearchParams(username.slice(at + 1)) };
}

function upgradeQuery(request: IncomingMessage | undefined): URLSearchParams {
  if (!request) return new URLSearchParams();
  return new URL(request.url ?? '/', 'http://sandbox').searchParams;
}

function headerValue(request: IncomingMessage | undefined, name: string): string | undefined {
  const value = request?.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** WebSocket header, then WebSocket query parameter, then the MQTT username's query string. */
function authorizerNameOf(input: CustomAuthConnectInput): string | undefined {
  const fromHeader = headerValue(input.request, AUTHORIZER_NAME_KEY);
  if (fromHeader) return fromHeader;
  const fromQuery = upgradeQuery(input.request).get(AUTHORIZER_NAME_KEY);
  if (fromQuery) return fromQuery;
  return parseMqttUsername(input.username).params.get(AUTHORIZER_NAME_KEY) ?? undefined;
}

function tokenOf(input: CustomAuthConnectInput, tokenKeyName: string | undefined): string | undefined {
  if (tokenKeyName === undefined) return undefined;
  return (
    headerValue(input.request, tokenKeyName.toLowerCase()) ??
    upgradeQuery(input.request).get(tokenKeyName) ??
    parseMqttUsername(input.username).params.get(tokenKeyName) ??
    undefined
  );
}

/** The event as "Defining your Lambda function" documents it; irrelevant fields are left out. */
function connectEvent(input: CustomAuthConnectInput, authorizer: AuthorizerDescription, connectionId: string): CustomAuthorizerEvent {
  const token = tokenOf(input, authorizer.tokenKeyName);
  const request = input.request;
  const protocols: Array<'tls' | 'http' | 'mqtt'> = [...(input.secure ? (['tls'] as const) : []), ...(request ? (['http'] as const) : []), 'mqtt'];
  const headers: Record<string, string> = {};
  if (request) {
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  const search = request ? new URL(request.url ?? '/', 'http://sandbox').search : '';
  return {
    ...(token !== undefined ? { token } : {}),
    signatureVerified: false,
    protocols,
    protocolData: {
      ...(input.secure && input.serverName ? { tls: { serverName: input.serverName } } : {}),
      ...(request ? { http: { headers, queryString: search } } : {}),
      mqtt: {
        ...(input.username !== undefined ? { username: input.username } : {}),
        // "The data in the password field is base64-encoded by AWS IoT Core."
        ...(input.password !== undefined ? { password: input.password.toString('base64') } : {}),
        ...(input.clientId !== '' ? { clientId: input.clientId } : {}),
      },
    },
    connectionMetadata: { id: connectionId },
  };
}

/** The TLS facts of a socket, for the event's `tls` protocol data. */
export function tlsFacts(socket: unknown): { secure: boolean; serverName?: string; alpn?: string } {
  if (!(socket instanceof TLSSocket)) return { secure: false };
  const serverName = (socket as TLSSocket & { servername?: string | false }).servername;
  const alpn = socket.alpnProtocol;
  return {
    secure: true,
    ...(typeof serverName === 'string' && serverName !== '' ? { serverName } : {}),
    ...(typeof alpn === 'string' ? { alpn } : {}),
  };
}

async function invokeHandler(handler: CustomAuthorizerHandler, event: CustomAuthorizerEvent, timers: SandboxTimers, name: string): Promise<AuthorizerInvocation> {
  let cancel: () => void = () => undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    cancel = timers.setTimeout(() => resolve('timeout'), AUTHORIZER_TIMEOUT_MS);
  });
  try {
    const answer = await Promise.race([
      // The Lambda gets a copy (it cannot mutate the broker's view) and answers JSON.
      handler(JSON.parse(JSON.stringify(event)) as CustomAuthorizerEvent).then((value) => ({ value })),
      timeout,
    ]);
    if (answer === 'timeout') return { ok: false, kind: 'failed', detail: `authorizer ${name} did not answer within ${AUTHORIZER_TIMEOUT_MS / 1000} s` };
    let serialized: unknown;
    try {
      serialized = answer.value === undefined ? undefined : JSON.parse(JSON.stringify(answer.value));
    } catch {
      return { ok: false, kind: 'invalid-response', detail: `authorizer ${name} answered a value that is not JSON` };
    }
    return validateAuthorizerResponse(serialized, name);
  } catch (error) {
    return { ok: false, kind: 'failed', detail: `authorizer ${name} failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    cancel();
  }
}

/** Checks an authorizer's answer against the documented response format and bounds. */
export function validateAuthorizerResponse(value: unknown, name = 'authorizer'): AuthorizerInvocation {
  const invalid = (why: string): AuthorizerInvocation => ({ ok: false, kind: 'invalid-response', detail: `authorizer ${name} answered an invalid response: ${why}` });
  if (!value || typeof value !== 'object' || Array.isArray(value)) return invalid('not a JSON object');
  const r = value as Record<string, unknown>;
  if (typeof r.isAuthenticated !== 'boolean') return invalid('isAuthenticated must be a boolean');
  if (!r.isAuthenticated) return { ok: false, kind: 'not-authenticated', detail: `authorizer ${name} answered isAuthenticated: false` };
  if (typeof r.principalId !== 'string' || !PRINCIPAL_ID.test(r.principalId)) {
    return invalid('principalId must match ([a-zA-Z0-9]){1,128}');
  }
  const documents = r.policyDocuments;
  if (!Array.isArray(documents) || !documents.every((d): d is string => typeof d === 'string')) {
    return invalid('policyDocuments must be a list of JSON strings');
  }
  if (documents.length > MAX_POLICY_DOCUMENTS) return invalid(`${documents.length} policyDocuments; at most ${MAX_POLICY_DOCUMENTS}`);
  const parsedPolicies: PolicyDocumentLike[] = [];
  for (const [i, document] of documents.entries()) {
    if (document.length > MAX_POLICY_DOCUMENT_CHARS) return invalid(`policyDocuments[${i}] has ${document.length} characters; at most ${MAX_POLICY_DOCUMENT_CHARS}`);
    try {
      parsedPolicies.push(parsePolicyDocument(document));
    } catch (error) {
      return invalid(`policyDocuments[${i}]: ${(error as Error).message}`);
    }
  }
  for (const key of ['disconnectAfterInSeconds', 'refreshAfterInSeconds'] as const) {
    const seconds = r[key];
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < MIN_SESSION_S || seconds > MAX_SESSION_S) {
      return invalid(`${key} must be an integer from ${MIN_SESSION_S} to ${MAX_SESSION_S}`);
    }
  }
  return {
    ok: true,
    response: {
      isAuthenticated: true,
      principalId: r.principalId,
      policyDocuments: documents,
      parsedPolicies,
      disconnectAfterInSeconds: r.disconnectAfterInSeconds as number,
      refreshAfterInSeconds: r.refreshAfterInSeconds as number,
    },
  };
}

/** The event TestInvokeAuthorizer sends: built from its token and protocol contexts. */
export function testInvokeEvent(input: {
  token?: string;
  httpContext?: { headers?: Record<string, string>; queryString?: string };
  mqttContext?: { username?: string; password?: string; clientId?: string };
  tlsContext?: { serverName?: string };
}): CustomAuthorizerEvent {
  const protocols: Array<'tls' | 'http' | 'mqtt'> = [];
  if (input.tlsContext) protocols.push('tls');
  if (input.httpContext) protocols.push('http');
  if (input.mqttContext) protocols.push('mqtt');
  return {
    ...(input.token !== undefined ? { token: input.token } : {}),
    signatureVerified: false,
    protocols,
    protocolData: {
      ...(input.tlsContext?.serverName !== undefined ? { tls: { serverName: input.tlsContext.serverName } } : {}),
      ...(input.httpContext ? { http: { headers: input.httpContext.headers ?? {}, queryString: input.httpContext.queryString ?? '' } } : {}),
      // The password arrives base64-encoded in the request (a blob), as the Lambda expects it.
      ...(input.mqttContext ? { mqtt: input.mqttContext } : {}),
    },
    connectionMetadata: { id: randomUUID() },
  };
}

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

import { randomUUID } from 'node:crypto';
import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../../wire/account';
import { authorizerNameOf, connectEvent } from './events';
import { invokeHandler } from './invoke';
import { AUTHORIZER_NAME_KEY } from './limits';
import { createAuthorizerResources } from './resources';
import {
  realTimers,
  type AuthorizerInvocation,
  type AuthorizerDescription,
  type CustomAuthConnectInput,
  type CustomAuthOutcome,
  type CustomAuthorizerEvent,
  type CustomAuthorizerHandler,
  type RegisterAuthorizerInput,
  type SandboxTimers,
} from './types';

export * from './types';
export { AUTHORIZER_NAME_KEY, AUTHORIZER_TIMEOUT_MS } from './limits';
export { parseMqttUsername, testInvokeEvent, tlsFacts } from './events';
export { validateAuthorizerResponse } from './invoke';

const functionArnFor = (name: string) => `arn:aws:lambda:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:function:${name}`;

/**
 * The authorizer resources of one IoT endpoint, and the Lambda functions they may point at
 * (the sandbox's stand-in for Lambda: a function ARN bound to an in-process handler).
 */
export function createAuthorizerRegistry(opts: { now?: () => number; timers?: SandboxTimers } = {}) {
  const timers = opts.timers ?? realTimers;
  const functions = new Map<string, CustomAuthorizerHandler>();
  const resources = createAuthorizerResources(opts.now ?? Date.now, functions);
  const { require, find, defaultName, clear, ...operations } = resources;

  const registry = {
    ...operations,
    /** Binds a Lambda function ARN to an in-process handler, for CreateAuthorizer to point at. */
    registerFunction(functionArn: string, handler: CustomAuthorizerHandler): void {
      functions.set(functionArn, handler);
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
    authenticate: (input: CustomAuthConnectInput): Promise<CustomAuthOutcome> => authenticate(input),

    clear(): void {
      functions.clear();
      clear();
    },
  };

  async function authenticate(input: CustomAuthConnectInput): Promise<CustomAuthOutcome> {
    const name = authorizerNameOf(input) ?? defaultName();
    if (name === undefined) {
      return refused(undefined, `no authorizer was named (${AUTHORIZER_NAME_KEY}) and the endpoint has no default authorizer (SetDefaultAuthorizer)`);
    }
    const description = find(name);
    if (!description) return refused(name, `authorizer ${name} does not exist`);
    if (description.status !== 'ACTIVE') return refused(name, `authorizer ${name} is ${description.status}`);
    const event = connectEvent(input, description, randomUUID());
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
  }
  return registry;
}

export type AuthorizerRegistry = ReturnType<typeof createAuthorizerRegistry>;

function refused(authorizerName: string | undefined, detail: string): CustomAuthOutcome {
  return { authenticated: false, ...(authorizerName !== undefined ? { authorizerName } : {}), detail };
}

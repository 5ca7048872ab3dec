import * as z from 'zod/mini';
import { AwsServiceError, parseJsonBody } from '../../../wire/http';
import { testInvokeEvent, type AuthorizerDescription, type AuthorizerRegistry, type AuthorizerSettings, type AuthorizerStatus } from '../custom-auth';
import type { Route } from './policy-routes';
import { iotMember } from './route';

/** The custom authorizer operations: CreateAuthorizer, UpdateAuthorizer, DescribeAuthorizer, SetDefaultAuthorizer, DescribeDefaultAuthorizer, TestInvokeAuthorizer. */
export function runAuthorizerOperation(authorizers: AuthorizerRegistry | undefined, { operation, label = '' }: Route, body: Buffer): unknown {
  // Without custom authorizers the operations answer 404.
  if (!authorizers) throw new AwsServiceError(404, 'ResourceNotFoundException', 'This sandbox IoT endpoint has no custom authorizers');
  switch (operation) {
    case 'CreateAuthorizer': {
      const d = authorizers.createAuthorizer(label, authorizerSettings(parseJsonBody(body)));
      return { authorizerName: d.authorizerName, authorizerArn: d.authorizerArn };
    }
    case 'UpdateAuthorizer': {
      const d = authorizers.updateAuthorizer(label, authorizerSettings(parseJsonBody(body)));
      return { authorizerName: d.authorizerName, authorizerArn: d.authorizerArn };
    }
    case 'DescribeAuthorizer':
      return { authorizerDescription: describeAuthorizer(authorizers.describeAuthorizer(label)) };
    case 'SetDefaultAuthorizer': {
      const name = iotMember(z.string(), parseJsonBody(body), 'authorizerName');
      const d = authorizers.setDefaultAuthorizer(name);
      return { authorizerName: d.authorizerName, authorizerArn: d.authorizerArn };
    }
    case 'DescribeDefaultAuthorizer':
      return { authorizerDescription: describeAuthorizer(authorizers.describeDefaultAuthorizer()) };
    case 'TestInvokeAuthorizer':
      return testInvokeAuthorizer(authorizers, label, parseJsonBody(body));
    default:
      throw new Error(`not an authorizer operation: ${operation}`);
  }
}

function describeAuthorizer(d: AuthorizerDescription) {
  return {
    authorizerName: d.authorizerName,
    authorizerArn: d.authorizerArn,
    authorizerFunctionArn: d.authorizerFunctionArn,
    ...(d.tokenKeyName !== undefined ? { tokenKeyName: d.tokenKeyName } : {}),
    status: d.status,
    signingDisabled: d.signingDisabled,
    enableCachingForHttp: d.enableCachingForHttp,
    creationDate: d.creationDate.getTime() / 1000,
    lastModifiedDate: d.lastModifiedDate.getTime() / 1000,
  };
}

const optionalString = z.nullish(z.string());
const optionalBoolean = z.nullish(z.boolean());

function authorizerSettings(input: Record<string, unknown>): AuthorizerSettings {
  const functionArn = iotMember(optionalString, input, 'authorizerFunctionArn');
  const status = iotMember(optionalString, input, 'status');
  const tokenKeyName = iotMember(optionalString, input, 'tokenKeyName');
  const signingDisabled = iotMember(optionalBoolean, input, 'signingDisabled');
  const caching = iotMember(optionalBoolean, input, 'enableCachingForHttp');
  const keys = input.tokenSigningPublicKeys;
  return {
    ...(typeof functionArn === 'string' ? { authorizerFunctionArn: functionArn } : {}),
    ...(typeof status === 'string' ? { status: status as AuthorizerStatus } : {}),
    ...(typeof tokenKeyName === 'string' ? { tokenKeyName } : {}),
    ...(typeof signingDisabled === 'boolean' ? { signingDisabled } : {}),
    ...(typeof caching === 'boolean' ? { enableCachingForHttp: caching } : {}),
    ...(keys && typeof keys === 'object' ? { tokenSigningPublicKeys: keys as Record<string, string> } : {}),
  };
}

/**
 * TestInvokeAuthorizer: invokes the authorizer with an event built from the given contexts and
 * answers its response; an answer IoT would reject is InvalidResponseException (API reference).
 */
async function testInvokeAuthorizer(authorizers: AuthorizerRegistry, name: string, input: Record<string, unknown>) {
  const record = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const http = record(input.httpContext);
  const mqtt = record(input.mqttContext);
  const tls = record(input.tlsContext);
  const token = text(input.token);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(http?.headers) ?? {})) if (typeof v === 'string') headers[k] = v;
  const optional = <K extends string>(key: K, v: string | undefined) => (v !== undefined ? ({ [key]: v } as Record<K, string>) : {});
  const event = testInvokeEvent({
    ...(token !== undefined ? { token } : {}),
    ...(http ? { httpContext: { headers, ...optional('queryString', text(http.queryString)) } } : {}),
    ...(mqtt
      ? { mqttContext: { ...optional('username', text(mqtt.username)), ...optional('password', text(mqtt.password)), ...optional('clientId', text(mqtt.clientId)) } }
      : {}),
    ...(tls ? { tlsContext: optional('serverName', text(tls.serverName)) } : {}),
  });
  const result = await authorizers.invoke(name, event);
  if (result.ok) {
    const { isAuthenticated, principalId, policyDocuments, refreshAfterInSeconds, disconnectAfterInSeconds } = result.response;
    return { isAuthenticated, principalId, policyDocuments, refreshAfterInSeconds, disconnectAfterInSeconds };
  }
  if (result.kind === 'not-authenticated') return { isAuthenticated: false };
  throw new AwsServiceError(400, 'InvalidResponseException', result.detail);
}


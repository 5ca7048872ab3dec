import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  type AdminGetUserCommandInput,
  type AdminUpdateUserAttributesCommandInput,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AttachPolicyCommand,
  DetachPolicyCommand,
  type AttachPolicyCommandInput,
  type DetachPolicyCommandInput,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { TaskError } from './task-error';

/**
 * The real SDK v3 clients `arn:aws:states:::aws-sdk:<service>:<action>` tasks run through, keyed
 * by the service name as it appears in the Resource ARN. Give them `maxAttempts: 1`: in Step
 * Functions the state's `Retry` is the retry policy, and SDK-level retries would swallow the
 * faults (throttling, 5xx) the ASL is meant to see.
 */
export interface SdkClients {
  readonly iot?: IoTClient;
  readonly cognitoidentityprovider?: CognitoIdentityProviderClient;
}

type Operation<C> = (client: C, input: object) => Promise<object>;

interface ServiceIntegration<C> {
  /** The service's PascalCase name: the prefix of its Step Functions errors. */
  readonly errorPrefix: string;
  /** How the service's API model names members; Step Functions parameters are PascalCase. */
  readonly memberCase: 'camel' | 'pascal';
  /** The API actions the ASL uses, by their Resource ARN spelling. */
  readonly operations: Readonly<Record<string, Operation<C>>>;
}

// Inputs are handed to the SDK as the ASL built them; the emulated service validates them, as
// the real one does for Step Functions (which passes parameters through without checking them).
const iot: ServiceIntegration<IoTClient> = {
  errorPrefix: 'Iot',
  // IoT is a REST-JSON API whose members are camelCase (`policyName`, `target`).
  memberCase: 'camel',
  operations: {
    attachPolicy: (c, input) => c.send(new AttachPolicyCommand(input as AttachPolicyCommandInput)),
    detachPolicy: (c, input) => c.send(new DetachPolicyCommand(input as DetachPolicyCommandInput)),
  },
};

const cognitoIdentityProvider: ServiceIntegration<CognitoIdentityProviderClient> = {
  errorPrefix: 'CognitoIdentityProvider',
  memberCase: 'pascal',
  operations: {
    adminUpdateUserAttributes: (c, input) =>
      c.send(new AdminUpdateUserAttributesCommand(input as AdminUpdateUserAttributesCommandInput)),
    adminGetUser: (c, input) => c.send(new AdminGetUserCommand(input as AdminGetUserCommandInput)),
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, rename));
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // The SDK's response metadata is not part of the API output Step Functions returns.
    if (key === '$metadata') continue;
    out[rename(key)] = renameKeys(v, rename);
  }
  return out;
}

const lowerFirst = (key: string): string => key.charAt(0).toLowerCase() + key.slice(1);
const upperFirst = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);

interface SdkErrorShape {
  readonly name: string;
  readonly message: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

function isSdkError(error: unknown): error is SdkErrorShape {
  return error instanceof Error;
}

/**
 * SDK errors as Step Functions names them: `<ServiceName>.<ErrorName>`, both PascalCase, with the
 * `Exception` suffix even where the service's own name lacks it ("Learning to use AWS service SDK
 * integrations in Step Functions"). A failure without an HTTP response (refused connection,
 * timeout) is the SDK client's own: `<ServiceName>.SdkClientException`.
 */
export function sdkTaskError(errorPrefix: string, error: unknown): TaskError {
  const status = isSdkError(error) ? error.$metadata?.httpStatusCode : undefined;
  if (isSdkError(error) && typeof status === 'number' && /^[A-Za-z][A-Za-z0-9]*$/.test(error.name) && error.name !== 'Error') {
    const errorName = error.name.endsWith('Exception') ? error.name : `${error.name}Exception`;
    const requestId = error.$metadata?.requestId ?? 'unknown';
    return new TaskError(
      `${errorPrefix}.${errorName}`,
      `${error.message} (Service: ${errorPrefix}, Status Code: ${status}, Request ID: ${requestId})`,
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new TaskError(`${errorPrefix}.SdkClientException`, `Unable to execute HTTP request: ${message}`);
}

function bindOperation<C>(
  integration: ServiceIntegration<C>,
  client: C | undefined,
  service: string,
  action: string,
): (parameters: unknown) => Promise<unknown> {
  const operation = integration.operations[action];
  if (!operation) {
    throw new Error(
      `aws-sdk:${service}:${action} is not emulated; supported ${service} actions: ${Object.keys(integration.operations).join(', ')}`,
    );
  }
  if (!client) throw new Error(`aws-sdk:${service}:${action} needs an SDK client: pass sdk.${service}`);
  return async (parameters) => {
    const input = integration.memberCase === 'camel' ? renameKeys(parameters ?? {}, lowerFirst) : (parameters ?? {});
    if (!isRecord(input)) throw new TaskError('States.Runtime', `aws-sdk:${service}:${action} Parameters must be an object`);
    let output: object;
    try {
      output = await operation(client, input);
    } catch (error) {
      throw sdkTaskError(integration.errorPrefix, error);
    }
    // Step Functions returns SDK integration output with PascalCase keys.
    return renameKeys(output, upperFirst);
  };
}

/** The services whose `aws-sdk:*` actions the sandbox runs. */
export const SUPPORTED_SDK_SERVICES = ['iot', 'cognitoidentityprovider'] as const;

/**
 * Builds the task function for `arn:aws:states:::aws-sdk:<service>:<action>`. Throws at once
 * (not at run time) for an integration pattern suffix, an unknown service or action, or a
 * missing client, so a definition the sandbox cannot run is refused when it is registered.
 */
export function createSdkTask(resource: string, sdk: SdkClients): (parameters: unknown) => Promise<unknown> {
  const match = /^arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)(\.[A-Za-z]+)?$/.exec(resource);
  const [, service, action, pattern] = match ?? [];
  if (!service || !action) throw new Error(`Not an AWS SDK integration resource: ${resource}`);
  if (pattern) throw new Error(`${resource}: the ${pattern} integration pattern is not emulated (request-response only)`);
  switch (service) {
    case 'iot':
      return bindOperation(iot, sdk.iot, service, action);
    case 'cognitoidentityprovider':
      return bindOperation(cognitoIdentityProvider, sdk.cognitoidentityprovider, service, action);
    default:
      throw new Error(`aws-sdk:${service} is not emulated; supported services: ${SUPPORTED_SDK_SERVICES.join(', ')}`);
  }
}

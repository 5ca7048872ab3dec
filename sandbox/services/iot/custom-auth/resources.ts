import { SANDBOX_ACCOUNT, SANDBOX_REGION } from '../../../wire/account';
import { AwsServiceError } from '../../../wire/http';
import { AUTHORIZER_NAME, TOKEN_KEY_NAME } from './limits';
import type { AuthorizerDescription, AuthorizerSettings, CustomAuthorizerHandler } from './types';

interface AuthorizerRecord {
  description: AuthorizerDescription;
}

const authorizerArn = (name: string) => `arn:aws:iot:${SANDBOX_REGION}:${SANDBOX_ACCOUNT}:authorizer/${name}`;
const invalidRequest = (message: string) => new AwsServiceError(400, 'InvalidRequestException', message);

function checkSettings(settings: AuthorizerSettings, functions: ReadonlyMap<string, CustomAuthorizerHandler>): void {
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

function describeNew(name: string, settings: AuthorizerSettings & { authorizerFunctionArn: string }, at: Date): AuthorizerDescription {
  return {
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
}

/**
 * The authorizer resources of the control plane (CreateAuthorizer, UpdateAuthorizer,
 * DescribeAuthorizer, SetDefaultAuthorizer, DescribeDefaultAuthorizer) over the Lambda
 * functions the registry knows.
 */
export function createAuthorizerResources(now: () => number, functions: ReadonlyMap<string, CustomAuthorizerHandler>) {
  const authorizers = new Map<string, AuthorizerRecord>();
  let defaultName: string | undefined;
  const require = (name: string): AuthorizerRecord => {
    const found = authorizers.get(name);
    if (!found) throw new AwsServiceError(404, 'ResourceNotFoundException', `Authorizer not found: ${name}`);
    return found;
  };

  return {
    /** CreateAuthorizer: ResourceAlreadyExistsException for an existing name. */
    createAuthorizer(name: string, settings: AuthorizerSettings): AuthorizerDescription {
      if (!AUTHORIZER_NAME.test(name)) throw invalidRequest(`authorizerName must match [\\w=,@-]+ (1-128 characters)`);
      if (authorizers.has(name)) {
        throw new AwsServiceError(409, 'ResourceAlreadyExistsException', `Authorizer already exists: ${name}`);
      }
      const functionArn = settings.authorizerFunctionArn;
      if (functionArn === undefined) throw invalidRequest('authorizerFunctionArn is required');
      checkSettings(settings, functions);
      const description = describeNew(name, { ...settings, authorizerFunctionArn: functionArn }, new Date(now()));
      authorizers.set(name, { description });
      return description;
    },

    /** UpdateAuthorizer: changes the given members only. */
    updateAuthorizer(name: string, settings: AuthorizerSettings): AuthorizerDescription {
      const record = require(name);
      checkSettings(settings, functions);
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

    /** Whether a client without SigV4 could be authenticated at all (one ACTIVE authorizer). */
    hasActiveAuthorizer(): boolean {
      return [...authorizers.values()].some((r) => r.description.status === 'ACTIVE');
    },

    /** The named authorizer (throws ResourceNotFoundException), or undefined via `find`. */
    require,
    find: (name: string): AuthorizerDescription | undefined => authorizers.get(name)?.description,
    defaultName: (): string | undefined => defaultName,

    clear(): void {
      authorizers.clear();
      defaultName = undefined;
    },
  };
}

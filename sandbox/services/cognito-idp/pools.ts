import * as z from 'zod/mini';
import { RsaTokenSigner } from '../../wire/token-signer';
import { SANDBOX_REGION } from '../../wire/account';
import { jsonMember } from '../../wire/json-target';
import { attributeName } from './attributes';
import { parseSettings, resolveSettings } from './pool-settings';
import { poolSchema } from './schema-attributes';
import { CREATE_ONLY, poolNameSchema, schemaAttributeSchema, type CreateOnlySettings, type PoolSettingsInput, type SchemaAttribute } from './settings-schema';
import { randomString, type IdpState, type PoolRecord } from './state';

export interface CreateUserPoolOptions {
  readonly name?: string;
  /** Custom attribute names (with or without `custom:`), e.g. `['iot_onboarded', 'identity_id']`: String, mutable. Default: none. */
  readonly customAttributes?: readonly string[];
  /** Attributes app clients may read but not write (with or without `custom:`). */
  readonly readOnlyAttributes?: readonly string[];
  /**
   * CreateUserPool request members (`LambdaConfig`, `Policies`, `Schema`, `AliasAttributes`…),
   * validated as the API validates them. Default: `{ AutoVerifiedAttributes: ['email'] }`, so
   * sign-up codes go to the email address as they always did in the sandbox.
   */
  readonly settings?: Record<string, unknown>;
}

export interface CreatedUserPool {
  readonly userPoolId: string;
  readonly issuer: string;
  readonly jwksUri: string;
}

export interface CreateAppClientOptions {
  readonly generateSecret: boolean;
  /** Client name. Default: `<pool name>-client`. */
  readonly clientName?: string;
  /** Attributes the client reads (tokens, GetUser). Default: all. */
  readonly readAttributes?: readonly string[];
  /** Attributes the client writes (SignUp, UpdateUserAttributes). Default: all but the pool's read-only ones. */
  readonly writeAttributes?: readonly string[];
  /**
   * `ExplicitAuthFlows`. Default: every flow the sandbox implements (`ALLOW_USER_PASSWORD_AUTH`,
   * `ALLOW_ADMIN_USER_PASSWORD_AUTH`, `ALLOW_USER_SRP_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`); AWS's
   * CreateUserPoolClient default is `ALLOW_USER_SRP_AUTH`, `ALLOW_CUSTOM_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`.
   */
  readonly explicitAuthFlows?: readonly string[];
}

export const SANDBOX_AUTH_FLOWS = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

/** A validated CreateUserPool request. */
export interface PoolDefinition {
  readonly settings: PoolSettingsInput & { PoolName: string };
  readonly createOnly: CreateOnlySettings;
  readonly schema: readonly SchemaAttribute[];
}

const schemaList = z.nullish(z.array(schemaAttributeSchema).check(z.minLength(1), z.maxLength(50)));

/** Reads a CreateUserPool request (InvalidParameterException on a member that breaks the service model's constraints). */
export function parsePoolDefinition(input: Record<string, unknown>): PoolDefinition {
  const poolName = jsonMember(poolNameSchema, input, 'PoolName');
  const createOnly: Record<string, unknown> = {};
  for (const member of Object.keys(CREATE_ONLY) as Array<keyof typeof CREATE_ONLY>) {
    const value = jsonMember(z.nullish(CREATE_ONLY[member]), input, member);
    if (value !== undefined && value !== null) createOnly[member] = value;
  }
  return { settings: { ...parseSettings(input), PoolName: poolName }, createOnly, schema: jsonMember(schemaList, input, 'Schema') ?? [] };
}

/** Creates a pool with the real id and issuer forms and its own signing key. */
export function addPool(state: IdpState, definition: PoolDefinition, readOnlyAttributes: readonly string[] = []): PoolRecord {
  const id = `${SANDBOX_REGION}_${randomString('alnum', 9)}`;
  const schema = poolSchema(definition.schema);
  const customAttributes = new Set(schema.filter((a) => a.Name.startsWith('custom:')).map((a) => a.Name));
  const now = state.now();
  const p: PoolRecord = {
    id,
    issuer: `https://cognito-idp.${SANDBOX_REGION}.amazonaws.com/${id}`,
    signer: new RsaTokenSigner(state.now),
    customAttributes,
    readOnly: new Set(readOnlyAttributes.map((name) => attributeName({ customAttributes }, name))),
    clients: new Map(),
    users: new Map(),
    settings: resolveSettings(definition.settings, { PoolName: definition.settings.PoolName, UserPoolTier: 'ESSENTIALS' }),
    createOnly: definition.createOnly,
    schema,
    createdAt: now,
    modifiedAt: now,
  };
  state.pools.set(id, p);
  return p;
}

/** The sandbox's own way to create a pool (the deployment and tests), through the same validation as CreateUserPool. */
export function createUserPool(state: IdpState, opts: CreateUserPoolOptions, baseUrl: string): CreatedUserPool {
  const request: Record<string, unknown> = { AutoVerifiedAttributes: ['email'], ...opts.settings };
  const given = Array.isArray(request['Schema']) ? (request['Schema'] as Array<{ Name?: unknown }>) : [];
  const extra = (opts.customAttributes ?? [])
    .map((name) => name.replace(/^custom:/, ''))
    .filter((name) => !given.some((a) => a.Name === name))
    .map((name) => ({ Name: name, AttributeDataType: 'String', Mutable: true }));
  const schema = [...given, ...extra];
  const definition = parsePoolDefinition({ PoolName: opts.name ?? 'sandbox-pool', ...request, ...(schema.length > 0 ? { Schema: schema } : {}) });
  const p = addPool(state, definition, opts.readOnlyAttributes);
  return { userPoolId: p.id, issuer: p.issuer, jwksUri: `${baseUrl}/${p.id}/.well-known/jwks.json` };
}

/** Creates an app client (26-character id; 51-character secret when generated, as Cognito makes them). */
export function createAppClient(state: IdpState, userPoolId: string, opts: CreateAppClientOptions): { clientId: string; clientSecret?: string } {
  const p = state.pool(userPoolId);
  const clientId = randomString('lower', 26);
  const clientSecret = opts.generateSecret ? randomString('lower', 51) : undefined;
  const names = (list: readonly string[] | undefined) => (list === undefined ? undefined : new Set(list.map((name) => attributeName(p, name))));
  const readAttributes = names(opts.readAttributes);
  const writeAttributes = names(opts.writeAttributes);
  p.clients.set(clientId, {
    clientId,
    clientName: opts.clientName ?? `${p.settings.PoolName}-client`,
    createdAt: state.now(),
    explicitAuthFlows: new Set(opts.explicitAuthFlows ?? SANDBOX_AUTH_FLOWS),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    ...(readAttributes === undefined ? {} : { readAttributes }),
    ...(writeAttributes === undefined ? {} : { writeAttributes }),
  });
  return clientSecret === undefined ? { clientId } : { clientId, clientSecret };
}

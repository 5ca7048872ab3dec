import * as z from 'zod/mini';
import { epochSeconds, jsonMember, optionalString, requireString, type JsonOperation } from '../../wire/json-target';
import type { IdpContext, OperationRequest } from './context';
import { decodePaginationToken, encodePaginationToken } from './pagination';
import { parseSettings, resolveSettings } from './pool-settings';
import { addPool, parsePoolDefinition } from './pools';
import { withCustomAttributes } from './schema-attributes';
import { schemaAttributeSchema } from './settings-schema';
import { poolArn, type PoolRecord } from './state';

/**
 * DescribeUserPool's `UserPoolType`: the settings, the create-only members, the schema and the
 * pool's identity. AdminCreateUserConfig also reports the legacy `UnusedAccountValidityDays`,
 * mirroring the password policy's TemporaryPasswordValidityDays, as AWS does; UpdateUserPool
 * refuses the two together (pool-settings.ts).
 */
export function userPoolOutput(p: PoolRecord) {
  const { PoolName, AdminCreateUserConfig, ...settings } = structuredClone(p.settings);
  return {
    Id: p.id,
    Name: PoolName,
    Arn: poolArn(p),
    CreationDate: epochSeconds(p.createdAt),
    LastModifiedDate: epochSeconds(p.modifiedAt),
    SchemaAttributes: structuredClone(p.schema),
    ...structuredClone(p.createOnly),
    ...settings,
    AdminCreateUserConfig: { ...AdminCreateUserConfig, UnusedAccountValidityDays: settings.Policies.PasswordPolicy.TemporaryPasswordValidityDays },
    EstimatedNumberOfUsers: p.users.size,
  };
}

function existingPool(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest, operation: string): PoolRecord {
  const p = ctx.state.pool(requireString(input, 'UserPoolId'));
  ctx.requireBackend(request, operation, p);
  return p;
}

/**
 * UpdateUserPool: "With the exception of UserPoolTier, if you don't provide a value for an
 * attribute, Amazon Cognito sets it to its default value" (API reference). Every updatable
 * setting becomes what the request gives or its default (pool-settings.ts); the schema, the
 * create-only members, users and clients stay.
 */
function updateUserPool(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  const p = existingPool(ctx, input, request, 'UpdateUserPool');
  p.settings = resolveSettings(parseSettings(input), p.settings);
  p.modifiedAt = ctx.now();
  return {};
}

/** AddCustomAttributes: 1-25 definitions per call; custom attributes are only ever added, a taken name is refused. */
function addCustomAttributes(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  const p = existingPool(ctx, input, request, 'AddCustomAttributes');
  const given = jsonMember(z.array(schemaAttributeSchema).check(z.minLength(1), z.maxLength(25)), input, 'CustomAttributes');
  p.schema = withCustomAttributes(p.schema, given);
  for (const attribute of p.schema) if (attribute.Name.startsWith('custom:')) p.customAttributes.add(attribute.Name);
  p.modifiedAt = ctx.now();
  return {};
}

/** ListUserPools: `MaxResults` 1-60 is required; each entry is a `UserPoolDescriptionType`. */
function listUserPools(ctx: IdpContext, input: Record<string, unknown>, request: OperationRequest) {
  ctx.requireBackend(request, 'ListUserPools');
  const limit = jsonMember(z.int().check(z.minimum(1), z.maximum(60)), input, 'MaxResults');
  const start = decodePaginationToken(optionalString(input, 'NextToken'));
  const pools = [...ctx.state.pools.values()];
  const page = pools.slice(start, start + limit).map((p) => ({
    Id: p.id,
    Name: p.settings.PoolName,
    LambdaConfig: structuredClone(p.settings.LambdaConfig),
    CreationDate: epochSeconds(p.createdAt),
    LastModifiedDate: epochSeconds(p.modifiedAt),
  }));
  return { UserPools: page, ...(start + limit < pools.length ? { NextToken: encodePaginationToken(start + limit) } : {}) };
}

/** Creating, reading and changing pools (IAM-authorized, like the Admin* operations). */
export function poolOperations(ctx: IdpContext): Record<string, JsonOperation> {
  return {
    CreateUserPool: (input, request) => {
      ctx.requireBackend(request, 'CreateUserPool');
      return { UserPool: userPoolOutput(addPool(ctx.state, parsePoolDefinition(input))) };
    },
    DescribeUserPool: (input, request) => ({ UserPool: userPoolOutput(existingPool(ctx, input, request, 'DescribeUserPool')) }),
    UpdateUserPool: (input, request) => updateUserPool(ctx, input, request),
    AddCustomAttributes: (input, request) => addCustomAttributes(ctx, input, request),
    ListUserPools: (input, request) => listUserPools(ctx, input, request),
  };
}

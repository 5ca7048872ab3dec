import {
  AddCustomAttributesCommand,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
  type CognitoIdentityProviderClient,
  type LambdaConfigType,
  type UpdateUserPoolCommandInput,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { toUpstreamError } from '../../shared/aws/classify';
import { PoolAttributesMissingError, PoolSettingsChangedError, PoolTriggerConflictError } from '../../shared/aws/errors';
import { IDENTITY_ID_ATTRIBUTE, ONBOARDED_ATTRIBUTE } from '../../shared/workflows/onboarding';
import type { Log } from '../../shared/observability/logging';

/**
 * Every member `UpdateUserPool` accepts besides `UserPoolId`, as the pinned SDK's
 * `UpdateUserPoolRequest` declares them. "If you don't provide a value for an attribute, Amazon
 * Cognito sets it to its default value"
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPool.html):
 * so every one of them that `DescribeUserPool` returned is passed back unchanged.
 */
export const UPDATABLE_POOL_MEMBERS = [
  'Policies',
  'DeletionProtection',
  'LambdaConfig',
  'AutoVerifiedAttributes',
  'SmsVerificationMessage',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'VerificationMessageTemplate',
  'SmsAuthenticationMessage',
  'UserAttributeUpdateSettings',
  'MfaConfiguration',
  'DeviceConfiguration',
  'EmailConfiguration',
  'SmsConfiguration',
  'UserPoolTags',
  'AdminCreateUserConfig',
  'UserPoolAddOns',
  'AccountRecoverySetting',
  'PoolName',
  'UserPoolTier',
] as const satisfies ReadonlyArray<keyof UpdateUserPoolCommandInput>;

export interface PoolTriggerDeps {
  readonly idp: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly log: Log;
}

/**
 * The product's two custom attributes, as the stack's own pool declares them
 * (lib/constructs/user-directory.ts): the onboarding version and the identity id. They let the
 * trigger skip an onboarded user and the authorizer read the identity from the ID token with no
 * AWS call; custom attributes can be added to a pool but never removed.
 */
export const PRODUCT_ATTRIBUTES = [
  { Name: ONBOARDED_ATTRIBUTE.replace(/^custom:/, ''), AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '16' } },
  { Name: IDENTITY_ID_ATTRIBUTE.replace(/^custom:/, ''), AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '64' } },
] as const;

export interface AttachTrigger {
  readonly userPoolId: string;
  /** The product's post-authentication function. */
  readonly triggerArn: string;
  /** The trigger the pool already had, which the product's calls next (chaining): the operator's opt-in. */
  readonly chainArn?: string | undefined;
  /** The operator's consent to add the product's custom attributes, which no one can remove again. */
  readonly addAttributes?: boolean | undefined;
}

/**
 * The product's custom attributes on the pool: present, added with the operator's consent, or a
 * refusal that says what is missing, that adding is permanent, and how to consent.
 */
export async function ensureProductAttributes(pool: UserPoolType, request: AttachTrigger, deps: PoolTriggerDeps): Promise<boolean> {
  const present = new Set((pool.SchemaAttributes ?? []).map((a) => a.Name));
  const missing = PRODUCT_ATTRIBUTES.filter((a) => !present.has(`custom:${a.Name}`));
  if (missing.length === 0) return false;
  const names = missing.map((a) => `custom:${a.Name}`).join(', ');
  if (!request.addAttributes) {
    throw new PoolAttributesMissingError(
      `User pool ${request.userPoolId} lacks ${names}, which onboarding keeps its state in. Custom attributes can be added to a pool but never removed: deploy with -c addCustomAttributes=true to add them.`,
    );
  }
  try {
    await deps.idp.send(new AddCustomAttributesCommand({ UserPoolId: request.userPoolId, CustomAttributes: missing.map((a) => ({ ...a, StringAttributeConstraints: { ...a.StringAttributeConstraints } })) }));
  } catch (error) {
    throw toUpstreamError('AddCustomAttributes', error);
  }
  deps.log.warn('Custom attributes added to the adopted pool (permanent)', { userPoolId: request.userPoolId, added: names });
  return true;
}

async function describePool(deps: PoolTriggerDeps, userPoolId: string): Promise<UserPoolType> {
  try {
    const out = await deps.idp.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    if (!out.UserPool) throw new Error(`DescribeUserPool answered no pool for ${userPoolId}`);
    return out.UserPool;
  } catch (error) {
    throw toUpstreamError('DescribeUserPool', error);
  }
}

/**
 * The `UpdateUserPool` input that changes nothing but `LambdaConfig`: every updatable member the
 * pool has, as described. `AdminCreateUserConfig.UnusedAccountValidityDays` is left out when the
 * password policy's `TemporaryPasswordValidityDays` is set: the API takes one or the other.
 */
export function updateInputFor(pool: UserPoolType, userPoolId: string, lambdaConfig: LambdaConfigType): UpdateUserPoolCommandInput {
  const input: Record<string, unknown> = { UserPoolId: userPoolId };
  for (const member of UPDATABLE_POOL_MEMBERS) {
    const value = (pool as Record<string, unknown>)[member];
    if (value !== undefined) input[member] = value;
  }
  // DescribeUserPool calls the name `Name`; UpdateUserPool takes it as `PoolName`.
  if (pool.Name !== undefined) input.PoolName = pool.Name;
  input.LambdaConfig = lambdaConfig;
  const admin = pool.AdminCreateUserConfig;
  if (admin?.UnusedAccountValidityDays !== undefined && pool.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays !== undefined) {
    const { UnusedAccountValidityDays: _ignored, ...rest } = admin;
    input.AdminCreateUserConfig = rest;
  }
  return input as unknown as UpdateUserPoolCommandInput;
}

/** JSON with object keys sorted: two descriptions of one setting compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}

/**
 * The updatable members whose values differ between two descriptions, as UpdateUserPool would be
 * given them (so a member the API takes in one form only compares in that form), and
 * `LambdaConfig.PostAuthentication` aside.
 */
export function settingsDiffering(before: UserPoolType, after: UserPoolType): string[] {
  const others = (pool: UserPoolType) => {
    const { PostAuthentication: _trigger, ...rest } = pool.LambdaConfig ?? {};
    return updateInputFor(pool, '', rest) as unknown as Record<string, unknown>;
  };
  const [b, a] = [others(before), others(after)];
  return UPDATABLE_POOL_MEMBERS.filter((member) => canonical(b[member]) !== canonical(a[member]));
}

/** UpdateUserPool with `lambdaConfig`, then describe again: every other setting must be as before. */
async function updateLambdaConfig(deps: PoolTriggerDeps, userPoolId: string, pool: UserPoolType, lambdaConfig: LambdaConfigType): Promise<UserPoolType> {
  try {
    await deps.idp.send(new UpdateUserPoolCommand(updateInputFor(pool, userPoolId, lambdaConfig)));
  } catch (error) {
    throw toUpstreamError('UpdateUserPool', error);
  }
  const after = await describePool(deps, userPoolId);
  const changed = settingsDiffering(pool, after);
  if (changed.length > 0) {
    throw new PoolSettingsChangedError(`UpdateUserPool on ${userPoolId} changed ${changed.join(', ')} besides the post-authentication trigger; compare DescribeUserPool with the pool's earlier settings`);
  }
  return after;
}

/**
 * Makes `triggerArn` the pool's post-authentication trigger and changes nothing else (design
 * section 11). Refuses a pool whose trigger is another function, unless that function is
 * `chainArn` (the operator's opt-in: the product's trigger then calls it). Idempotent: a pool that
 * already has the trigger is left as it is, and a re-deploy after someone removed it re-applies
 * only the trigger.
 */
export async function attachPostAuthentication(request: AttachTrigger, deps: PoolTriggerDeps): Promise<void> {
  let pool = await describePool(deps, request.userPoolId);
  // Every refusal comes before the first change: a refused deploy leaves the pool as it was.
  const current = pool.LambdaConfig?.PostAuthentication;
  if (current !== undefined && current !== request.triggerArn && current !== request.chainArn) {
    throw new PoolTriggerConflictError(
      `User pool ${request.userPoolId} already has a post-authentication trigger (${current}). Deploy with -c chainPostAuthentication=${current} to keep it (the product's trigger calls it first and respects its answer), or remove it from the pool first.`,
    );
  }
  if (await ensureProductAttributes(pool, request, deps)) pool = await describePool(deps, request.userPoolId);
  if (current === request.triggerArn) return;
  await updateLambdaConfig(deps, request.userPoolId, pool, { ...pool.LambdaConfig, PostAuthentication: request.triggerArn });
  deps.log.info('Post-authentication trigger attached', { userPoolId: request.userPoolId, chained: current ?? null });
}

/**
 * Stack deletion: the pool's post-authentication trigger becomes what it was before the product
 * (the chained function, or none); every other trigger and setting stays as the pool has it now.
 * A pool whose trigger someone already changed, or a pool that is gone, is left alone.
 */
export async function detachPostAuthentication(request: AttachTrigger, deps: PoolTriggerDeps): Promise<void> {
  let pool: UserPoolType;
  try {
    pool = await describePool(deps, request.userPoolId);
  } catch (error) {
    if ((error as { cause?: { name?: string } }).cause?.name === 'ResourceNotFoundException') return;
    throw error;
  }
  if (pool.LambdaConfig?.PostAuthentication !== request.triggerArn) {
    deps.log.warn('The pool no longer runs the product trigger; nothing restored', { userPoolId: request.userPoolId });
    return;
  }
  const { PostAuthentication: _ours, ...others } = pool.LambdaConfig ?? {};
  await updateLambdaConfig(deps, request.userPoolId, pool, request.chainArn ? { ...others, PostAuthentication: request.chainArn } : others);
  deps.log.info('Post-authentication trigger restored', { userPoolId: request.userPoolId, restored: request.chainArn ?? null });
}

import * as z from 'zod/mini';
import { invalidParameter, jsonMember } from '../../wire/json-target';
import { notAuthorized } from './errors';
import type { AppClientRecord, PoolRecord, UserRecord } from './state';

/** OIDC standard attributes Cognito user pools know without declaring them. */
const STANDARD_ATTRIBUTES = new Set([
  'sub', 'address', 'birthdate', 'email', 'email_verified', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name',
  'nickname', 'phone_number', 'phone_number_verified', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo',
]);

export type AttributeValue = { readonly name: string; readonly value: string };

/** The full attribute name: standard names as they are, declared custom ones with `custom:`. */
export function attributeName(p: { customAttributes: ReadonlySet<string> }, name: string): string {
  if (STANDARD_ATTRIBUTES.has(name) || name.startsWith('custom:')) return name;
  return p.customAttributes.has(`custom:${name}`) ? `custom:${name}` : name;
}

export function isReadable(client: AppClientRecord, name: string): boolean {
  return name === 'sub' || client.readAttributes === undefined || client.readAttributes.has(name);
}

function isWritable(p: PoolRecord, client: AppClientRecord, name: string): boolean {
  if (p.readOnly.has(name) || name === 'sub') return false;
  return client.writeAttributes === undefined || client.writeAttributes.has(name);
}

/**
 * `AttributeType`: Name of 1-32 characters, optional Value of at most 2,048.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AttributeType.html
 */
const attributeListSchema = z.nullish(
  z.array(z.object({ Name: z.string().check(z.minLength(1), z.maxLength(32)), Value: z.nullish(z.string().check(z.maxLength(2048))) })),
);

/** What the schema alone cannot say: `sub` is never written, and names exist in the pool. */
function checkAttribute(p: PoolRecord, { Name, Value }: { Name: string; Value?: string | null | undefined }): AttributeValue {
  if (Name === 'sub') throw invalidParameter('Cannot modify the non-mutable attribute sub');
  if (!STANDARD_ATTRIBUTES.has(Name) && !p.customAttributes.has(Name)) throw invalidParameter(`Attribute does not exist in the schema. (${Name})`);
  return { name: Name, value: Value ?? '' };
}

/** Parses `[{ Name, Value }]`; every name must exist in the schema (AdminUpdateUserAttributes). */
export function attributeList(p: PoolRecord, input: Record<string, unknown>, field: string): AttributeValue[] {
  return (jsonMember(attributeListSchema, input, field) ?? []).map((attribute) => checkAttribute(p, attribute));
}

/** A `[{ Name, Value }]` list that is not about the schema (`ValidationData`), as a map; undefined when absent or empty. */
export function nameValueMap(input: Record<string, unknown>, field: string): Record<string, string> | undefined {
  const list = jsonMember(attributeListSchema, input, field) ?? [];
  return list.length === 0 ? undefined : Object.fromEntries(list.map(({ Name, Value }) => [Name, Value ?? '']));
}

/** Writes by an app client (SignUp, UpdateUserAttributes): read-only attributes are refused as Cognito refuses them. */
export function assertClientMayWrite(p: PoolRecord, client: AppClientRecord, attributes: ReadonlyArray<{ name: string }>): void {
  for (const { name } of attributes) {
    if (!isWritable(p, client, name)) throw notAuthorized('A client attempted to write unauthorized attribute');
  }
}

export function applyAttributes(user: UserRecord, attributes: readonly AttributeValue[], now: number): void {
  for (const { name, value } of attributes) {
    // An empty value deletes the attribute (AdminUpdateUserAttributes semantics).
    if (value === '') user.attributes.delete(name);
    else user.attributes.set(name, value);
  }
  user.modifiedAt = now;
}

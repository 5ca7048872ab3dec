import { invalidParameter } from '../json-target';
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

function parseAttribute(p: PoolRecord, field: string, item: unknown): AttributeValue {
  if (!item || typeof item !== 'object') throw invalidParameter(`Value at '${field}' must be a list of attributes`);
  const { Name, Value } = item as { Name?: unknown; Value?: unknown };
  if (typeof Name !== 'string' || Name === '') throw invalidParameter(`1 validation error detected: Value null at '${field}.member.name' failed to satisfy constraint: Member must not be null`);
  if (Value !== undefined && Value !== null && typeof Value !== 'string') throw invalidParameter(`Value of attribute ${Name} must be a string`);
  if (Name === 'sub') throw invalidParameter('Cannot modify the non-mutable attribute sub');
  if (!STANDARD_ATTRIBUTES.has(Name) && !p.customAttributes.has(Name)) throw invalidParameter(`Attribute does not exist in the schema. (${Name})`);
  if (typeof Value === 'string' && Value.length > 2048) throw invalidParameter(`Invalid user attributes: ${Name}: Attribute value must be at most 2048 characters.`);
  return { name: Name, value: typeof Value === 'string' ? Value : '' };
}

/** Parses `[{ Name, Value }]`; every name must exist in the schema (AdminUpdateUserAttributes). */
export function attributeList(p: PoolRecord, input: Record<string, unknown>, field: string): AttributeValue[] {
  const raw = input[field];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParameter(`Value at '${field}' must be a list of attributes`);
  return raw.map((item: unknown) => parseAttribute(p, field, item));
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

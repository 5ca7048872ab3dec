import { invalidParameter } from '../../wire/json-target';
import type { UserRecord } from './state';

/**
 * The attributes ListUsers can search, and whether their values compare case-insensitively
 * (ListUsers API, `Filter`: username case-sensitive; cognito:user_status — "Status" in the
 * console — case-insensitive; status — "Enabled" in the console — case-sensitive, values
 * `Enabled`/`Disabled`; custom attributes are not searchable).
 */
const SEARCHABLE: Readonly<Record<string, { readonly ignoreCase: boolean }>> = {
  username: { ignoreCase: false },
  email: { ignoreCase: false },
  phone_number: { ignoreCase: false },
  name: { ignoreCase: false },
  given_name: { ignoreCase: false },
  family_name: { ignoreCase: false },
  preferred_username: { ignoreCase: false },
  'cognito:user_status': { ignoreCase: true },
  status: { ignoreCase: false },
  sub: { ignoreCase: false },
};

/** `AttributeName Filter-Type "AttributeValue"`; quotation marks inside the value are escaped with a backslash. */
const FILTER = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

function readAttribute(user: UserRecord, attribute: string): string | undefined {
  if (attribute === 'username') return user.username;
  if (attribute === 'cognito:user_status') return user.status;
  if (attribute === 'status') return user.enabled ? 'Enabled' : 'Disabled';
  return user.attributes.get(attribute);
}

/** ListUsers `Filter`: exact (`=`) or prefix (`^=`) match on one searchable attribute; empty = all users. */
export function listFilter(filter: string | undefined): (user: UserRecord) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const m = FILTER.exec(filter);
  const attribute = m?.[1] ?? '';
  const rule = Object.hasOwn(SEARCHABLE, attribute) ? SEARCHABLE[attribute] : undefined;
  if (!m || !rule) throw invalidParameter(`Invalid search filter: ${filter}`);
  const fold = (s: string) => (rule.ignoreCase ? s.toLowerCase() : s);
  const operator = m[2];
  const value = fold((m[3] ?? '').replace(/\\(.)/g, '$1'));
  return (user) => {
    const raw = readAttribute(user, attribute);
    if (raw === undefined) return false;
    const actual = fold(raw);
    return operator === '=' ? actual === value : actual.startsWith(value);
  };
}

import { invalidParameter } from '../json-target';
import type { UserRecord } from './state';

const SEARCHABLE = ['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub'];

/** ListUsers filters: `attribute = "value"` or `attribute ^= "prefix"` on the searchable attributes. */
export function listFilter(filter: string | undefined): (user: UserRecord) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const m = /^\s*"?([\w:]+)"?\s*(\^?=)\s*"([^"]*)"\s*$/.exec(filter);
  if (!m || !m[1] || !SEARCHABLE.includes(m[1])) throw invalidParameter(`Invalid search filter: ${filter}`);
  const [, attribute, operator, value = ''] = m;
  const read = (user: UserRecord): string | undefined =>
    attribute === 'username' ? user.username
    : attribute === 'cognito:user_status' ? user.status
    : attribute === 'status' ? (user.enabled ? 'Enabled' : 'Disabled')
    : user.attributes.get(attribute ?? '');
  return (user) => {
    const actual = read(user);
    return actual !== undefined && (operator === '=' ? actual === value : actual.startsWith(value));
  };
}

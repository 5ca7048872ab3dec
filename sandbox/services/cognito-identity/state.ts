import { randomUUID } from 'node:crypto';
import { SANDBOX_REGION } from '../../wire/account';
import { invalidParameter } from '../../wire/json-target';
import { resourceNotFound } from './errors';

export interface IdentityPoolRecord {
  readonly id: string;
  readonly developerProviderName: string;
  readonly authenticatedRoleArn: string;
}

export interface IdentityRecord {
  readonly identityId: string;
  readonly poolId: string;
  /** Developer user identifiers linked to this identity, in linking order. */
  readonly developerUserIdentifiers: string[];
  readonly createdAt: number;
  modifiedAt: number;
}

const ID_PATTERN = /^[\w-]+:[0-9a-f-]+$/;

function checkIdFormat(value: string, member: string): void {
  if (!ID_PATTERN.test(value)) {
    throw invalidParameter(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+`);
  }
}

/** Identity pools, their identities and the developer-user → identity index. */
export class IdentityState {
  readonly pools = new Map<string, IdentityPoolRecord>();
  readonly identities = new Map<string, IdentityRecord>();
  /** `<poolId>\n<developer user identifier>` → identity id. */
  private readonly byDeveloperUser = new Map<string, string>();

  constructor(readonly now: () => number) {}

  pool(identityPoolId: string): IdentityPoolRecord {
    checkIdFormat(identityPoolId, 'identityPoolId');
    const found = this.pools.get(identityPoolId);
    if (!found) throw resourceNotFound(`IdentityPool '${identityPoolId}' not found.`);
    return found;
  }

  identity(identityId: string): IdentityRecord {
    checkIdFormat(identityId, 'identityId');
    const found = this.identities.get(identityId);
    if (!found) throw resourceNotFound(`Identity '${identityId}' not found.`);
    return found;
  }

  /** The identity a developer user identifier is linked to in a pool, if any. */
  identityOf(poolId: string, userIdentifier: string): string | undefined {
    return this.byDeveloperUser.get(`${poolId}\n${userIdentifier}`);
  }

  createIdentity(poolId: string, userIdentifier: string): IdentityRecord {
    const t = this.now();
    const record: IdentityRecord = { identityId: `${SANDBOX_REGION}:${randomUUID()}`, poolId, developerUserIdentifiers: [], createdAt: t, modifiedAt: t };
    this.identities.set(record.identityId, record);
    this.link(record, userIdentifier);
    return record;
  }

  link(record: IdentityRecord, userIdentifier: string): void {
    record.developerUserIdentifiers.push(userIdentifier);
    record.modifiedAt = this.now();
    this.byDeveloperUser.set(`${record.poolId}\n${userIdentifier}`, record.identityId);
  }

  unlink(record: IdentityRecord, userIdentifier: string): void {
    const index = record.developerUserIdentifiers.indexOf(userIdentifier);
    if (index >= 0) record.developerUserIdentifiers.splice(index, 1);
    record.modifiedAt = this.now();
    this.byDeveloperUser.delete(`${record.poolId}\n${userIdentifier}`);
  }

  deleteIdentity(record: IdentityRecord): void {
    for (const userIdentifier of [...record.developerUserIdentifiers]) this.unlink(record, userIdentifier);
    this.identities.delete(record.identityId);
  }
}

import { describeDevice, type Iot } from '../../shared/devices/registry';
import { BoundedMap } from '../../shared/bounded-map';

/** How long a confirmed ownership is reused by default. */
export const OWNERSHIP_TTL_MS = 30_000;

export interface OwnershipCacheDeps {
  readonly iot: Iot;
  readonly now: () => number;
  /** How long a confirmed ownership is reused. Default {@link OWNERSHIP_TTL_MS} (30 s). */
  readonly ttlMs?: number;
  /** Most devices held at once; the oldest is dropped first. Default 10,000. */
  readonly maxEntries?: number;
}

/**
 * "Is this device the caller's?" for the command path. Only a confirmed ownership is cached
 * (briefly); any other answer is asked again, so a device just claimed works at once everywhere.
 * A release in this container drops the entry at once; in another container a stale entry lets
 * the former owner publish to their OWN namespace for at most the TTL, where the device no
 * longer listens: IoT's device policy, not this cache, is what keeps a device from its old owner.
 */
export class OwnershipCache {
  private readonly owners: BoundedMap<string, { owner: string; until: number }>;
  private readonly stats = { hits: 0, misses: 0 };

  constructor(private readonly deps: OwnershipCacheDeps) {
    this.owners = new BoundedMap(deps.maxEntries ?? 10_000);
  }

  get counts() {
    return { ...this.stats };
  }

  /** Whether `identityId` owns `thingName` (DescribeThing on a miss; unknown things are not owned). */
  async owns(thingName: string, identityId: string): Promise<boolean> {
    const entry = this.owners.get(thingName);
    if (entry && entry.owner === identityId && entry.until > this.deps.now()) {
      this.stats.hits++;
      return true;
    }
    this.stats.misses++;
    this.owners.delete(thingName);
    const device = await describeDevice(this.deps.iot, thingName);
    if (device.owner === undefined) return false;
    this.remember(thingName, device.owner);
    return device.owner === identityId;
  }

  remember(thingName: string, owner: string): void {
    this.owners.set(thingName, { owner, until: this.deps.now() + (this.deps.ttlMs ?? OWNERSHIP_TTL_MS) });
  }

  forget(thingName: string): void {
    this.owners.delete(thingName);
  }
}

/**
 * A Map that holds at most `maxEntries`: setting a new key beyond that drops the oldest entries
 * (insertion order; re-setting a key does not move it, so delete first to renew). The caches a
 * warm Lambda keeps per user or device use it, so memory stays bounded however many callers come.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly maxEntries: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    for (const oldest of this.keys()) {
      if (this.size <= this.maxEntries) break;
      this.delete(oldest);
    }
    return this;
  }
}

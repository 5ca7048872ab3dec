import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../../../functions/shared/bounded-map';

describe('BoundedMap', () => {
  it('drops the oldest entries once past its size, keeping the newest', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('c', 3);
    expect([...map.keys()]).toEqual(['b', 'c']);
  });

  it('renews a key deleted and set again, so it outlives older ones', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    map.delete('a');
    map.set('a', 10).set('c', 3);
    expect([...map.entries()]).toEqual([['a', 10], ['c', 3]]);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/**
 * A fixture for the calling test file: `start()` runs before the file's tests (beforeAll) and the
 * fixture is closed after them (afterAll, also when a test failed). The returned object is filled
 * in by then, so its fields are there from the first later hook or test on.
 */
export function fileFixture<T extends { close(): Promise<void> }>(start: () => Promise<T>): T {
  const fixture = {} as T;
  beforeAll(async () => {
    Object.assign(fixture, await start());
  });
  afterAll(async () => {
    // Nothing to close when start() failed: vitest reports that failure.
    if (Object.keys(fixture).length > 0) await fixture.close();
  });
  return fixture;
}

/**
 * A fresh fixture for each test of the calling file: `start()` runs before each test (beforeEach)
 * and that fixture is closed after it (afterEach, also when the test failed). The returned object
 * is refilled before each test, so read its fields inside hooks and tests, not at load time.
 */
export function testFixture<T extends { close(): Promise<void> }>(start: () => Promise<T>): T {
  const fixture = {} as T;
  let current: T | undefined;
  beforeEach(async () => {
    current = await start();
    Object.assign(fixture, current);
  });
  afterEach(async () => {
    // Nothing to close when start() failed: vitest reports that failure.
    const started = current;
    current = undefined;
    await started?.close();
  });
  return fixture;
}

import { afterAll, beforeAll } from 'vitest';

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

import { describe, expect, it } from 'vitest';
import { crowdLine, crowdSignsIn } from '../../../sandbox/demo/crowd';
import { AppClient } from '../../../sandbox/clients/app-client';
import { fileFixture } from '../../support/file-fixture';
import { startHarness } from '../e2e/harness';

const h = fileFixture(() => startHarness());

describe("npm start's queue inspector line", () => {
  it("shows the attach gate's backlog as GetQueueAttributes counts it, draining to 0, with every user onboarded once", async () => {
    const app = new AppClient(h.sandbox.appConfig);
    // Yield between reads instead of a fixed sleep: the sandbox's own work runs in between.
    const figures = await crowdSignsIn(h.sandbox, app, { prefix: 'crowdtest', users: 12, password: h.password }, () => new Promise((resolve) => setImmediate(resolve)));
    expect(figures.onboarded).toBe(12);
    expect(figures.attachPolicyCalls).toBe(12);
    expect(figures.backlog.at(-1)).toBe(0);
    // The crowd was in the queue at some point: more than nothing was waiting or in flight.
    expect(Math.max(...figures.backlog)).toBeGreaterThan(0);
    expect(crowdLine(16, figures)).toMatch(/^16\. 12 new users signed in at once; the attach gate's queue \(waiting \+ in flight, GetQueueAttributes\): \d+( -> \d+)* -> 0; 12 onboarded in \d+\.\d s at 12\/s, 12 AttachPolicy calls$/);
  });
});

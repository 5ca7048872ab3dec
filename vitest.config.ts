import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    // Synthesis and end-to-end suites start real servers and bundle functions: give them room,
    // but every test awaits events, never fixed sleeps.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    restoreMocks: true,
    // Vitest's default is one worker fewer than the cores: one on this 2-core machine. The
    // end-to-end files spend much of their time waiting on sockets, so two keep both cores busy.
    maxWorkers: 2,
    projects: [
      // Files of a project share their worker's loaded modules (isolate: false): aws-cdk-lib, the
      // SDK clients and the sandbox take seconds to load and warm up, again in every file
      // otherwise. So a file leaves its worker as it found it: spies restore (restoreMocks),
      // environment variables only through vi.stubEnv, undone after the file. Unit files mock SDK
      // clients with aws-sdk-client-mock, each resetting its mocks before use; the two sandbox
      // files that mock restore them after the file. Workers never move between projects, so no
      // unit file's mock reaches a sandbox file.
      {
        extends: true,
        test: { name: 'code', include: ['test/unit/**/*.test.ts', 'test/workflow/**/*.test.ts', 'test/infra/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: { name: 'sandbox', include: ['test/sandbox/**/*.test.ts'], isolate: false },
      },
      // The README's hands-on blocks, run as printed against `npm start -- --serve`.
      {
        extends: true,
        test: { name: 'readme', include: ['test/readme/**/*.test.ts'] },
      },
      // The web app in Debian's Chromium (playwright-core) against a sandbox serving it.
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'] },
      },
    ],
  },
});

import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { executionArnFor } from '../functions/onboarding/post-authentication/core';
import { executionName } from '../functions/shared/workflows/onboarding';
import { AppClient, type Tokens } from '../sandbox/clients/app-client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';
import { failureSummary, mapLimit, rejected } from './concurrency';

export const BENCH_PASSWORD = 'Bench-Passw0rd!';

/** Progress goes to stderr so that `--json` keeps stdout machine-readable. */
export function progress(text: string): void {
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1).padStart(6)} s] ${text}\n`);
}

export function newAppClient(sandbox: Sandbox): AppClient {
  return new AppClient(sandbox.appConfig);
}

export function closeAppClient(app: AppClient): void {
  app.idp.destroy();
  app.identity.destroy();
}

import { subOf } from '../sandbox/clients/app-client';
export { subOf };

/**
 * A sandbox for one phase: functions silent (their log lines would land on stdout, which `--json`
 * keeps for the figures), one app client, and helpers to create users the way an app does.
 */
export async function startBenchSandbox(options: SandboxOptions = {}) {
  const sandbox = await startSandbox({ functionLogLevel: 'SILENT', ...options });
  const app = newAppClient(sandbox);
  const fixture = {
    sandbox,
    app,
    /** The onboarding execution a sign-in with these tokens starts (deterministic name). */
    executionArnOf(tokens: Tokens): string {
      return executionArnFor(sandbox.stateMachineArn, executionName(subOf(tokens), sandbox.outputs.OnboardingVersion));
    },
    /**
     * Signs up and confirms `count` users, `concurrency` at a time; none signed in, so none
     * onboarded. Throws if any could not be created: the timed part needs all of them.
     */
    async createUsers(count: number, concurrency: number, prefix: string): Promise<string[]> {
      const tag = randomUUID().slice(0, 8);
      const names = Array.from({ length: count }, (_, i) => `${prefix}-${tag}-${i}`);
      const results = await mapLimit(names, concurrency, async (username) => {
        await app.signUp(username, BENCH_PASSWORD, `${username}@example.com`);
        const code = sandbox.services.idp.confirmationCode(sandbox.userPool.userPoolId, username);
        if (!code) throw new Error(`the sandbox issued no confirmation code for ${username}`);
        await app.confirmSignUp(username, code);
      });
      const failures = rejected(results);
      if (failures.length > 0) throw new Error(`could not create ${failures.length} of ${count} users: ${failureSummary(failures).join('; ')}`);
      return names;
    },
    async close(): Promise<void> {
      closeAppClient(app);
      await sandbox.close();
    },
  };
  return fixture;
}

export type BenchSandbox = Awaited<ReturnType<typeof startBenchSandbox>>;

/**
 * Resolves with the next JSON message on `topic` that `matches`, or rejects after `timeoutMs`;
 * either way the listener is removed (a bounded wait leaves nothing behind).
 */
export function awaitMessage(
  client: MqttClient,
  topic: string,
  matches: (payload: Record<string, unknown>) => boolean,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(payload.toString('utf8'));
      } catch {
        return;
      }
      if (typeof parsed !== 'object' || parsed === null || !matches(parsed as Record<string, unknown>)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(parsed as Record<string, unknown>);
    };
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    client.on('message', onMessage);
  });
}

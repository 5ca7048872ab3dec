import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunctions } from './bundle';
import { createEnvironmentPools } from './environments';
import { FunctionError, type FunctionSpec, type LambdaRuntime } from './types';

export { FunctionError, type FunctionSpec, type LambdaRuntime } from './types';

/**
 * Runs the product's Lambda handlers in-process, each bundled exactly as CDK deploys it
 * (lib/bundling.ts). As in Lambda, an execution environment (here a worker thread with its own
 * `process.env`) serves one invocation at a time: concurrent invocations scale out to more
 * environments, up to `maxEnvironments` per function, and wait in a queue beyond that. Module
 * scope (config check, client creation) runs once per environment: its cold start.
 */
export async function startLambdaRuntime(
  functions: Record<string, FunctionSpec>,
  options: { timeoutMs?: number; maxEnvironments?: number; clockOffset?: SharedArrayBuffer } = {},
): Promise<LambdaRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-onboarding-lambda-'));
  const bootstrap = await bundleFunctions(functions, dir);
  const pools = createEnvironmentPools(functions, {
    bootstrap,
    dir,
    maxEnvironments: options.maxEnvironments ?? 4,
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.clockOffset ? { clockOffset: options.clockOffset } : {}),
  });
  const invocations: Record<string, number> = {};
  return {
    functionNames: Object.keys(functions),
    invocations,
    invoke(functionName, event) {
      if (!functions[functionName]) return Promise.reject(new FunctionError('ResourceNotFoundException', `Function not found: ${functionName}`));
      invocations[functionName] = (invocations[functionName] ?? 0) + 1;
      return pools.enqueue(functionName, event);
    },
    async close() {
      await pools.terminate();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

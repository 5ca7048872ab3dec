import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../lib/bundling';
import { functionEntry } from '../lib/paths';
import { CLOCK_BOOTSTRAP } from './clock';

export interface FunctionSpec {
  /** Folder under `functions/`. */
  readonly source: string;
  /** The function's environment, as CDK would set it. */
  readonly environment: Record<string, string>;
}

/** An error a handler threw, carrying its `name` like Lambda's `errorType`. */
export class FunctionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface LambdaRuntime {
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** Invocations per function so far. */
  readonly invocations: Record<string, number>;
  close(): Promise<void>;
}

// What runs inside each worker: Lambda's Node.js runtime in miniature. Module scope (config
// check, client creation) runs once, at the first invocation's cold start; later invocations
// reuse it, as a warm Lambda container does.
const BOOTSTRAP = `
import { parentPort, workerData } from 'node:worker_threads';
${CLOCK_BOOTSTRAP}
let handler;
let initError;
try {
  ({ handler } = await import(workerData.bundle));
  if (typeof handler !== 'function') throw Object.assign(new Error('handler is not exported'), { name: 'Runtime.HandlerNotFound' });
} catch (error) {
  initError = { name: error?.name === 'Error' ? 'Runtime.ImportModuleError' : error?.name ?? 'Runtime.ImportModuleError', message: String(error?.message ?? error) };
}
parentPort.on('message', async ({ id, event, requestId, functionName }) => {
  if (initError) return parentPort.postMessage({ id, ok: false, error: initError });
  const deadline = Date.now() + workerData.timeoutMs;
  const context = { awsRequestId: requestId, functionName, functionVersion: '$LATEST', getRemainingTimeInMillis: () => deadline - Date.now(), callbackWaitsForEmptyEventLoop: false };
  try {
    const result = await handler(event, context);
    parentPort.postMessage({ id, ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: { name: error?.name ?? 'Error', message: String(error?.message ?? error) } });
  }
});
`;

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
  const entryPoints = Object.fromEntries(Object.entries(functions).map(([name, spec]) => [name, functionEntry(spec.source)]));
  await build({
    entryPoints,
    bundle: true,
    platform: 'node',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
    ...LAMBDA_BUNDLING,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
  });
  const bootstrap = join(dir, 'bootstrap.mjs');
  writeFileSync(bootstrap, BOOTSTRAP);
  const maxEnvironments = options.maxEnvironments ?? 4;

  interface Invocation {
    readonly id: number;
    readonly event: unknown;
    readonly resolve: (value: unknown) => void;
    readonly reject: (error: Error) => void;
  }
  interface Environment {
    readonly worker: Worker;
    current?: Invocation;
  }
  const pools = new Map<string, { environments: Environment[]; queue: Invocation[] }>();
  const invocations: Record<string, number> = {};
  let nextId = 0;

  const poolOf = (name: string) => {
    let pool = pools.get(name);
    if (!pool) {
      pool = { environments: [], queue: [] };
      pools.set(name, pool);
    }
    return pool;
  };

  const dispatch = (name: string) => {
    const pool = poolOf(name);
    while (pool.queue.length > 0) {
      let environment = pool.environments.find((e) => !e.current);
      if (!environment && pool.environments.length < maxEnvironments) environment = startEnvironment(name);
      if (!environment) return;
      const invocation = pool.queue.shift() as Invocation;
      environment.current = invocation;
      environment.worker.postMessage({ id: invocation.id, event: invocation.event, requestId: randomUUID(), functionName: name });
    }
  };

  const startEnvironment = (name: string): Environment => {
    const spec = functions[name] as FunctionSpec;
    const worker = new Worker(bootstrap, {
      env: { ...spec.environment },
      workerData: { bundle: join(dir, `${name}.mjs`), timeoutMs: options.timeoutMs ?? 10_000, clockOffset: options.clockOffset },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const environment: Environment = { worker };
    const pool = poolOf(name);
    pool.environments.push(environment);
    worker.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string } }) => {
      const invocation = environment.current;
      if (!invocation || invocation.id !== message.id) return;
      environment.current = undefined;
      if (message.ok) invocation.resolve(message.result);
      else invocation.reject(new FunctionError(message.error?.name ?? 'Error', message.error?.message ?? 'unknown error'));
      dispatch(name);
    });
    worker.on('error', (error) => {
      pool.environments.splice(pool.environments.indexOf(environment), 1);
      environment.current?.reject(new FunctionError('Runtime.ExitError', `${name} crashed: ${error.message}`));
      environment.current = undefined;
      dispatch(name);
    });
    return environment;
  };

  return {
    invocations,
    invoke(functionName, event) {
      if (!functions[functionName]) return Promise.reject(new FunctionError('ResourceNotFoundException', `Function not found: ${functionName}`));
      invocations[functionName] = (invocations[functionName] ?? 0) + 1;
      return new Promise((resolve, reject) => {
        poolOf(functionName).queue.push({ id: nextId++, event, resolve, reject });
        dispatch(functionName);
      });
    },
    async close() {
      await Promise.all([...pools.values()].flatMap((p) => p.environments.map((e) => e.worker.terminate())));
      pools.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../lib/bundling';
import { functionEntry } from '../lib/paths';

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
 * (lib/bundling.ts) and loaded in its own worker thread with its own environment: one warm
 * "container" per function. Worker threads give each function a private `process.env`, so the
 * handlers read their configuration and endpoint overrides just as in Lambda.
 */
export async function startLambdaRuntime(functions: Record<string, FunctionSpec>, options: { timeoutMs?: number } = {}): Promise<LambdaRuntime> {
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

  const workers = new Map<string, Worker>();
  const pending = new Map<number, { functionName: string; resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const invocations: Record<string, number> = {};
  let nextId = 0;

  const workerFor = (name: string): Worker => {
    const existing = workers.get(name);
    if (existing) return existing;
    const spec = functions[name];
    if (!spec) throw new FunctionError('ResourceNotFoundException', `Function not found: ${name}`);
    const worker = new Worker(bootstrap, {
      env: { ...spec.environment },
      workerData: { bundle: join(dir, `${name}.mjs`), timeoutMs: options.timeoutMs ?? 10_000 },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    worker.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string } }) => {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.result);
      else call.reject(new FunctionError(message.error?.name ?? 'Error', message.error?.message ?? 'unknown error'));
    });
    worker.on('error', (error) => {
      workers.delete(name);
      for (const [id, call] of pending) {
        if (call.functionName !== name) continue;
        pending.delete(id);
        call.reject(new FunctionError('Runtime.ExitError', `${name} crashed: ${error.message}`));
      }
    });
    workers.set(name, worker);
    return worker;
  };

  return {
    invocations,
    invoke(functionName, event) {
      invocations[functionName] = (invocations[functionName] ?? 0) + 1;
      const worker = workerFor(functionName);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { functionName, resolve, reject });
        worker.postMessage({ id, event, requestId: randomUUID(), functionName });
      });
    },
    async close() {
      await Promise.all([...workers.values()].map((w) => w.terminate()));
      workers.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

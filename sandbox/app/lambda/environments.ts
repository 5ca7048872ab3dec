import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FunctionError, type FunctionSpec } from './types';

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
interface WorkerAnswer {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string };
}

export interface EnvironmentOptions {
  readonly bootstrap: string;
  readonly dir: string;
  readonly maxEnvironments: number;
  readonly timeoutMs: number;
  readonly clockOffset?: SharedArrayBuffer;
}

/**
 * The execution environments of every function: one worker thread per environment, one
 * invocation at a time each, scaling out to `maxEnvironments` per function and queueing beyond.
 */
export function createEnvironmentPools(functions: Record<string, FunctionSpec>, options: EnvironmentOptions) {
  const pools = new Map<string, { environments: Environment[]; queue: Invocation[] }>();
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
      if (!environment && pool.environments.length < options.maxEnvironments) environment = startEnvironment(name);
      if (!environment) return;
      const invocation = pool.queue.shift() as Invocation;
      environment.current = invocation;
      environment.worker.postMessage({ id: invocation.id, event: invocation.event, requestId: randomUUID(), functionName: name });
    }
  };

  const startEnvironment = (name: string): Environment => {
    const spec = functions[name] as FunctionSpec;
    const worker = new Worker(options.bootstrap, {
      env: { ...spec.environment },
      workerData: {
        bundle: join(options.dir, `${name}.mjs`),
        timeoutMs: spec.timeoutSeconds !== undefined ? spec.timeoutSeconds * 1000 : options.timeoutMs,
        clockOffset: options.clockOffset,
      },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const environment: Environment = { worker };
    const pool = poolOf(name);
    pool.environments.push(environment);
    worker.on('message', (message: WorkerAnswer) => {
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
    /** Queues an invocation and starts it as soon as an environment is free. */
    enqueue(name: string, event: unknown): Promise<unknown> {
      return new Promise((resolve, reject) => {
        poolOf(name).queue.push({ id: nextId++, event, resolve, reject });
        dispatch(name);
      });
    },
    async terminate(): Promise<void> {
      await Promise.all([...pools.values()].flatMap((p) => p.environments.map((e) => e.worker.terminate())));
      pools.clear();
    },
  };
}

import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from '../sandbox/wire/account';

/**
 * What Lambda gives a function's module scope: the settings its SDK clients read from the
 * environment (region, the execution role's credentials) plus, here, the sandbox endpoint and
 * the environment's own network.
 */
export interface FunctionEnvironment {
  sdkConfig(endpoint: string): { region: string; credentials: typeof SANDBOX_BACKEND_CREDENTIALS; endpoint: string; requestHandler: NodeHttpHandler };
}

export type FunctionHandler = (event: unknown) => Promise<unknown>;

export interface FunctionPoolStats {
  invocations: number;
  /** Execution environments started (cold starts). */
  environments: number;
  /** Invocations that outlasted the function's timeout ("Task timed out after …"). */
  timeouts: number;
  /** Invocations that threw (timeouts excluded). */
  errors: number;
}

export interface FunctionPool {
  invoke(event: unknown): Promise<unknown>;
  /** Resolves once no invocation is running, including those whose caller stopped waiting. */
  settled(): Promise<void>;
  readonly stats: Readonly<FunctionPoolStats>;
  close(): void;
}

/** Lambda's "Task timed out": what the caller of a function that outlasted its timeout sees. */
export class FunctionTimedOut extends Error {
  override readonly name = 'FunctionTimedOut';
}

/** A stopped environment's network: the runtime is gone, so nothing it had pending is sent. */
class EnvironmentNetwork extends NodeHttpHandler {
  stopped = false;

  override handle(...args: Parameters<NodeHttpHandler['handle']>) {
    if (this.stopped) return Promise.reject(Object.assign(new Error('the execution environment was stopped (the function timed out)'), { name: 'AbortError' }));
    return super.handle(...args);
  }
}

interface Environment {
  readonly handler: FunctionHandler;
  readonly networks: EnvironmentNetwork[];
}

function startEnvironment(init: (env: FunctionEnvironment) => FunctionHandler): Environment {
  const networks: EnvironmentNetwork[] = [];
  const handler = init({
    sdkConfig(endpoint) {
      // No options: the handler the SDK itself would create (keep-alive, 50 sockets).
      const requestHandler = new EnvironmentNetwork();
      networks.push(requestHandler);
      return { region: SANDBOX_REGION, credentials: SANDBOX_BACKEND_CREDENTIALS, endpoint, requestHandler };
    },
  });
  return { handler, networks };
}

function stopEnvironment(environment: Environment): void {
  for (const network of environment.networks) {
    network.stopped = true;
    network.destroy();
  }
}

/**
 * A Lambda function run in-process the way Lambda scales it: each invocation takes an idle
 * execution environment or starts a new one (`init` is the module scope, run once per
 * environment), with no concurrency limit (the account's default is 1,000, far above the 50
 * sign-ins in flight). An invocation that outlasts `timeoutMs` fails with FunctionTimedOut and its
 * environment is stopped and never reused, as Lambda stops a timed-out runtime
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html: default 3 s).
 * Not modelled: cold-start time (creating a client here takes microseconds, on AWS a Node
 * cold start takes a few hundred ms).
 */
export function functionPool(init: (env: FunctionEnvironment) => FunctionHandler, options: { timeoutMs: number }): FunctionPool {
  const idle: Environment[] = [];
  const all: Environment[] = [];
  const running = new Set<Promise<unknown>>();
  const stats: FunctionPoolStats = { invocations: 0, environments: 0, timeouts: 0, errors: 0 };
  const take = () => {
    const reused = idle.pop();
    if (reused) return reused;
    stats.environments++;
    const started = startEnvironment(init);
    all.push(started);
    return started;
  };
  return {
    stats,
    async invoke(event) {
      stats.invocations++;
      const environment = take();
      const run = Promise.resolve().then(() => environment.handler(event));
      const tracked = run.then(
        () => undefined,
        () => undefined,
      );
      running.add(tracked);
      void tracked.then(() => running.delete(tracked));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          stats.timeouts++;
          stopEnvironment(environment);
          reject(new FunctionTimedOut(`Task timed out after ${(options.timeoutMs / 1000).toFixed(2)} seconds`));
        }, options.timeoutMs);
      });
      try {
        const result = await Promise.race([run, timedOut]);
        idle.push(environment);
        return result;
      } catch (error) {
        if (!(error instanceof FunctionTimedOut)) {
          stats.errors++;
          // A handler that throws leaves its environment warm (the Node runtime does not restart).
          idle.push(environment);
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    async settled() {
      while (running.size > 0) await Promise.all([...running]);
    },
    close() {
      for (const environment of all) stopEnvironment(environment);
    },
  };
}

/**
 * `Promise.withResolvers` (ES2024, Node 22). aws-local-stepfunctions 3.x calls it for every Task
 * state (its task timeout race); this project targets Node 20, where it is missing. Import this
 * module before anything that runs a state machine. A no-op where the runtime already has it.
 *
 * It is also why `npm ci` on Node 20 warns `EBADENGINE` for aws-local-stepfunctions@3.0.0
 * (`engines.node: >=22.0.0`): the one engine mismatch in the lockfile, a devDependency that only
 * the sandbox and the tests load (no function bundle contains it), 3.0.0 being the only release
 * the registry serves. The warning is expected; npm has no per-package way to silence it.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const PromiseWithResolvers = Promise as PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> };

if (typeof PromiseWithResolvers.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve'];
      let reject!: Resolvers<T>['reject'];
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};

import { afterEach, describe, expect, it } from 'vitest';
import { functionPool, FunctionTimedOut, type FunctionEnvironment, type FunctionPool } from '../../../bench/lambda-environments';

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('functionPool', () => {
  let pool: FunctionPool | undefined;
  afterEach(() => pool?.close());

  it('starts one execution environment per concurrent invocation and reuses idle ones', async () => {
    const gate = deferred();
    let inits = 0;
    pool = functionPool(() => {
      inits++;
      return async () => gate.promise;
    }, { timeoutMs: 60_000 });

    const first = [pool.invoke({}), pool.invoke({}), pool.invoke({})];
    gate.resolve();
    await Promise.all(first);
    await pool.invoke({});

    expect(inits).toBe(3);
    expect(pool.stats).toMatchObject({ invocations: 4, environments: 3, timeouts: 0, errors: 0 });
  });

  it('fails an invocation that outlasts the timeout as Lambda does, and never reuses its stopped environment', async () => {
    const hung = deferred();
    let calls = 0;
    pool = functionPool(() => async () => {
      // The first invocation hangs past the timeout; later ones answer at once.
      if (calls++ === 0) await hung.promise;
    }, { timeoutMs: 20 });

    await expect(pool.invoke({})).rejects.toThrow(new FunctionTimedOut('Task timed out after 0.02 seconds'));
    hung.resolve();
    await pool.settled();
    await pool.invoke({});

    expect(pool.stats).toMatchObject({ invocations: 2, environments: 2, timeouts: 1 });
  });

  it('refuses every request of a stopped environment, so a timed-out handler sends nothing more', async () => {
    const hung = deferred();
    let network: ReturnType<FunctionEnvironment['sdkConfig']>['requestHandler'] | undefined;
    pool = functionPool((env) => {
      network = env.sdkConfig('http://127.0.0.1:9').requestHandler;
      return async () => hung.promise;
    }, { timeoutMs: 20 });

    await expect(pool.invoke({})).rejects.toBeInstanceOf(FunctionTimedOut);

    await expect(network?.handle({} as never)).rejects.toMatchObject({ name: 'AbortError' });
    hung.resolve();
    await pool.settled();
  });

  it('keeps an environment whose handler threw warm, and counts the error', async () => {
    pool = functionPool(() => async () => {
      throw new Error('Rate exceeded');
    }, { timeoutMs: 60_000 });

    await expect(pool.invoke({})).rejects.toThrow('Rate exceeded');
    await expect(pool.invoke({})).rejects.toThrow('Rate exceeded');

    expect(pool.stats).toMatchObject({ invocations: 2, environments: 1, errors: 2, timeouts: 0 });
  });
});

import { CLOCK_BOOTSTRAP } from '../clock';

// What runs inside each worker: Lambda's Node.js runtime in miniature. Module scope (config
// check, client creation) runs once, at the first invocation's cold start; later invocations
// reuse it, as a warm Lambda container does.
export const BOOTSTRAP = `
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


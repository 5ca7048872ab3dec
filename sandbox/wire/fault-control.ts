import * as z from 'zod/mini';
import type { ServerResponse } from 'node:http';
import { InvalidFaultSpec, parseFaultSpecs, type FaultInjector, type FaultSpec } from './faults';
import { documentIssues } from './validation';
import { startHttpServer, type StartedServer } from './http';

/** Paths of the control API (after LocalStack's chaos API, `/_localstack/chaos/faults`). */
export const CONTROL_PATHS = { faults: '/_sandbox/faults', calls: '/_sandbox/calls' } as const;

export interface ControlServerOptions {
  readonly faults: FaultInjector;
  /** Default: an ephemeral port. Always loopback. */
  readonly port?: number;
}

/**
 * The sandbox's control API on loopback, for tests in any language and for outage rehearsals
 * against `--serve`. Modelled on LocalStack's chaos API
 * (https://docs.localstack.cloud/user-guide/chaos-engineering/chaos-api/): POST replaces the
 * rules, PATCH adds or replaces rules per operation, DELETE removes the listed operations' rules
 * (all rules without a body), GET lists them; every answer is the rules in force.
 *
 *   GET    /_sandbox/faults      -> [{ "operation": "iot:AttachPolicy", "throttleTps": 1 }, ...]
 *   POST   /_sandbox/faults      <- a rule or a list of rules (replaces all)
 *   PATCH  /_sandbox/faults      <- a rule or a list of rules (adds / replaces per operation)
 *   DELETE /_sandbox/faults      <- [{ "operation": "iot:AttachPolicy" }] or no body (clears all)
 *   GET    /_sandbox/calls       -> { "iot:AttachPolicy": { "calls": 7, "throttled": 5, "failed": 0 }, ... }
 *   DELETE /_sandbox/calls       resets the counts
 */
export function startControlServer(opts: ControlServerOptions): Promise<StartedServer> {
  const { faults } = opts;
  return startHttpServer((req, body, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === CONTROL_PATHS.faults) return faultsRoute(faults, req.method ?? 'GET', body, res);
      if (path === CONTROL_PATHS.calls && req.method === 'GET') return reply(res, 200, faults.allStats());
      if (path === CONTROL_PATHS.calls && req.method === 'DELETE') {
        faults.resetStats();
        return reply(res, 200, {});
      }
      return reply(res, 404, { error: 'NotFound', message: `No control operation at ${req.method} ${path}; see ${CONTROL_PATHS.faults} and ${CONTROL_PATHS.calls}` });
    } catch (error) {
      if (error instanceof InvalidFaultSpec || error instanceof SyntaxError) return reply(res, 400, { error: 'InvalidFaultSpec', message: error.message });
      throw error;
    }
  }, { port: opts.port ?? 0 });
}

function faultsRoute(faults: FaultInjector, method: string, body: Buffer, res: ServerResponse): void {
  const text = body.toString('utf8').trim();
  switch (method) {
    case 'GET':
      break;
    case 'POST':
      applyFaultSpecs(faults, parseFaultSpecs(JSON.parse(text || '[]')), { replace: true });
      break;
    case 'PATCH':
      applyFaultSpecs(faults, parseFaultSpecs(JSON.parse(text || '[]')), { replace: false });
      break;
    case 'DELETE':
      if (text === '') faults.clear();
      else for (const operation of operationsToDelete(JSON.parse(text))) faults.set(operation, undefined);
      break;
    default:
      return reply(res, 405, { error: 'MethodNotAllowed', message: `${method} is not supported on ${CONTROL_PATHS.faults}` });
  }
  reply(res, 200, faults.list());
}

/** Sets rules on the injector (the control API and `--faults` share this). */
export function applyFaultSpecs(faults: FaultInjector, specs: readonly FaultSpec[], options: { replace: boolean }): void {
  if (options.replace) faults.clear();
  for (const { operation, ...rule } of specs) faults.set(operation, rule);
}

const deleteSchema = z.object({ operation: z.string() });

function operationsToDelete(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    const parsed = deleteSchema.safeParse(item);
    if (!parsed.success) throw new InvalidFaultSpec(documentIssues(parsed.error.issues, item, `faults[${index}]`).join('; '));
    return parsed.data.operation;
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

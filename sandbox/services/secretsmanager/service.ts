import type { CredentialStore } from '../../wire/credentials';
import type { FaultInjector } from '../../wire/faults';
import { AwsServiceError, startHttpServer } from '../../wire/http';
import { jsonTargetHandler, type JsonOperation } from '../../wire/json-target';
import { verifySignedRequest } from '../../wire/sigv4';
import { secretOperations } from './operations';
import { SecretStore, type SecretRecord } from './state';

export interface SecretsManagerOptions {
  /** Verifies the callers' SigV4 signatures; only backend credentials may read secrets. */
  readonly store: CredentialStore;
  readonly faults: FaultInjector;
  readonly now?: () => number;
  readonly port?: number;
}

export interface SecretsManagerServer {
  readonly url: string;
  createSecret(name: string, secretString: string): SecretRecord;
  close(): Promise<void>;
}

/**
 * AWS Secrets Manager over its JSON 1.1 protocol (`X-Amz-Target: secretsmanager.<Op>`, signing
 * name `secretsmanager`), enough for the product: GetSecretValue, SigV4-verified.
 */
export async function startSecretsManager(opts: SecretsManagerOptions): Promise<SecretsManagerServer> {
  const now = opts.now ?? Date.now;
  const secrets = new SecretStore(now);
  const signed = (operation: string, run: JsonOperation): JsonOperation => (input, { req, body }) => {
    const caller = verifySignedRequest({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, opts.store, { service: 'secretsmanager', now });
    if (caller.principal.kind !== 'backend') {
      throw new AwsServiceError(400, 'AccessDeniedException', `User is not authorized to perform: secretsmanager:${operation}`);
    }
    return run(input, { req, body });
  };
  const operations = Object.fromEntries(Object.entries(secretOperations(secrets)).map(([name, op]) => [name, signed(name, op)]));
  const server = await startHttpServer(
    jsonTargetHandler({
      targetPrefix: 'secretsmanager',
      faultPrefix: 'secretsmanager',
      faults: opts.faults,
      operations,
      contentType: 'application/x-amz-json-1.1',
    }),
    { ...(opts.port !== undefined ? { port: opts.port } : {}), now },
  );
  return {
    url: server.url,
    createSecret: (name, secretString) => secrets.create(name, secretString),
    close: () => server.close(),
  };
}

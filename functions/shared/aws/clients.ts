import type { AwsCredentialIdentity } from '@aws-sdk/types';

export interface ClientTuning {
  /** Region; defaults to `AWS_REGION`. */
  readonly region?: string;
  /** TCP connect timeout. Default 1,000 ms. */
  readonly connectionTimeoutMs?: number;
  /** Whole-request timeout. Default 3,000 ms. */
  readonly requestTimeoutMs?: number;
  /** SDK attempts including the first. Default 3 (the SDK default). */
  readonly maxAttempts?: number;
  /** Explicit endpoint (for example the account's IoT ATS data endpoint). */
  readonly endpoint?: string;
  /** Explicit credentials; default is the standard provider chain. */
  readonly credentials?: AwsCredentialIdentity;
}

/**
 * The one place SDK clients are configured: region, timeouts and retries. Endpoint overrides
 * come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the sandbox and
 * the tests redirect the unmodified clients.
 *
 * Usage: `new SFNClient(clientConfig({ requestTimeoutMs: 1500 }))` at module scope.
 */
export function clientConfig(tuning: ClientTuning = {}) {
  return {
    region: tuning.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    maxAttempts: tuning.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: tuning.connectionTimeoutMs ?? 1_000,
      requestTimeout: tuning.requestTimeoutMs ?? 3_000,
    },
    ...(tuning.endpoint ? { endpoint: tuning.endpoint } : {}),
    ...(tuning.credentials ? { credentials: tuning.credentials } : {}),
  };
}

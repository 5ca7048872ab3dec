import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryErrorType, RetryStrategyV2 } from '@aws-sdk/types';
import { HttpRequest } from '@smithy/core/protocols';
import { isServerError, isThrottlingError, isTransientError, StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConfigurationError } from '../errors';
import { iotEndpoint } from './endpoint';
import { serviceError } from './service-error';
import { Sha256 } from '../sha256';

/** What `clientConfig()` (shared/clients.ts) gives an SDK client, read here the same way. */
export interface IotControlPlaneConfig {
  readonly region?: string | undefined;
  readonly maxAttempts: number;
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number };
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Default: the SDK's standard retry strategy with `maxAttempts`, as an SDK client builds it. */
  readonly retryStrategy?: RetryStrategyV2;
}

/** One REST-JSON operation call: method, path (labels already encoded), query and JSON body. */
export interface OperationRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: Record<string, unknown>;
}

export interface Transport {
  call(request: OperationRequest): Promise<Record<string, unknown>>;
  destroy(): void;
}

/**
 * The SDK client's request path for IoT control-plane calls, built from the SDK's own parts: the
 * default credential chain, SigV4 with the signing name `iot`, the NodeHttpHandler with the
 * connection and request timeouts of `clientConfig()`, and the standard retry strategy with the
 * SDK's error classification (throttling, transient, server). Each attempt is signed afresh.
 */
export function createTransport(config: IotControlPlaneConfig): Transport {
  const region = config.region ?? process.env.AWS_REGION;
  if (!region) throw new ConfigurationError('AWS_REGION is not set: the IoT control-plane client needs a Region');
  const endpoint = iotEndpoint(region, config.endpoint);
  const signer = new SignatureV4({ service: 'iot', region, credentials: config.credentials ?? defaultProvider(), sha256: Sha256 });
  const handler = new NodeHttpHandler({ connectionTimeout: config.requestHandler.connectionTimeout, requestTimeout: config.requestHandler.requestTimeout });
  const retry = config.retryStrategy ?? new StandardRetryStrategy(config.maxAttempts);
  const basePath = endpoint.pathname.replace(/\/$/, '');

  const attempt = async (operation: OperationRequest): Promise<Record<string, unknown>> => {
    const body = operation.body === undefined ? undefined : JSON.stringify(operation.body);
    const request = new HttpRequest({
      method: operation.method,
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: `${basePath}${operation.path}`,
      query: operation.query ?? {},
      headers: {
        host: endpoint.host,
        ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      },
      ...(body === undefined ? {} : { body }),
    });
    // The signer answers a signed copy made with HttpRequest.clone: an HttpRequest, as typed below.
    const { response } = await handler.handle((await signer.sign(request)) as HttpRequest);
    const text = new TextDecoder().decode(await streamCollector(response.body));
    if (response.statusCode < 200 || response.statusCode >= 300) throw serviceError(response.statusCode, response.headers, text);
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  };

  return {
    destroy: () => handler.destroy(),
    call: async (operation) => {
      let token = await retry.acquireInitialRetryToken('');
      for (;;) {
        try {
          const output = await attempt(operation);
          retry.recordSuccess(token);
          return output;
        } catch (error) {
          try {
            // Waits out the backoff, or throws when no retry is left (attempts or retry quota).
            token = await retry.refreshRetryTokenForRetry(token, { errorType: retryErrorType(error) });
          } catch {
            throw error;
          }
        }
      }
    },
  };
}

/** The SDK retry middleware's classification of a failed attempt. */
function retryErrorType(error: unknown): RetryErrorType {
  const e = (typeof error === 'object' && error !== null ? error : new Error(String(error))) as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(e)) return 'THROTTLING';
  if (isTransientError(e)) return 'TRANSIENT';
  if (isServerError(e)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

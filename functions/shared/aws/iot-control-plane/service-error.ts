/** What an AWS SDK v3 service error carries that callers here read (aws-errors.ts, error names). */
export interface ServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };
  readonly $response: { readonly statusCode: number; readonly headers: Record<string, string> };
}

/**
 * The error of a failed REST-JSON call, as the SDK builds it: the name is the error code from the
 * `X-Amzn-Errortype` header, else the body's `code` or `__type`, stripped of a `:…` suffix and a
 * `…#` namespace (AWS restJson1 protocol, "Operation error serialization":
 * https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html); the message is the body's.
 */
export function serviceError(statusCode: number, headers: Record<string, string>, body: string): ServiceError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(body);
    if (value !== null && typeof value === 'object') parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page): the status alone classifies it.
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const code = text(headerOf(headers, 'x-amzn-errortype')) ?? text(parsed.code) ?? text(parsed.__type) ?? 'Unknown';
  const name = code.split(':')[0]?.split('#').pop() || 'Unknown';
  const message = text(parsed.message) ?? text(parsed.Message) ?? 'UnknownError';
  const requestId = headerOf(headers, 'x-amzn-requestid');
  return Object.assign(new Error(message), {
    name,
    $fault: statusCode < 500 ? ('client' as const) : ('server' as const),
    $metadata: { httpStatusCode: statusCode, ...(requestId ? { requestId } : {}) },
    $response: { statusCode, headers },
  });
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** API Gateway's request id form (`apigw-requestid`). */
export function newRequestId(): string {
  return `${randomBytes(10).toString('base64').replace(/=+$/, '')}=`;
}

export function sendMessage(res: ServerResponse, status: number, message: string, requestId: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'apigw-requestid': requestId, ...headers });
  res.end(text);
}

/** An answer API Gateway gives itself without a body (the CORS preflight's 204). */
export function sendEmpty(res: ServerResponse, status: number, requestId: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'apigw-requestid': requestId, ...headers });
  res.end();
}

/**
 * Maps a format 2.0 response back to HTTP. A result without `statusCode` is taken as the body
 * of a 200 JSON response, as API Gateway infers it. `gateway` rewrites the integration's headers
 * (lowercased) as API Gateway does before answering (CORS).
 */
export function sendResult(res: ServerResponse, result: unknown, requestId: string, gateway: (headers: Record<string, string>) => Record<string, string> = (h) => h): void {
  const structured = isStructured(result) ? result : { statusCode: 200, body: typeof result === 'string' ? result : JSON.stringify(result), headers: { 'content-type': 'application/json' } };
  const integration: Record<string, string> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) integration[name.toLowerCase()] = String(value);
  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId, ...gateway(integration) };
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const payload = structured.body === undefined ? Buffer.alloc(0) : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  if (payload.length > 0) headers['content-type'] ??= 'application/json';
  headers['content-length'] = String(payload.length);
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(payload);
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && typeof (result as { statusCode?: unknown }).statusCode === 'number';
}

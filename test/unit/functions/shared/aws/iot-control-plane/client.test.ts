import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../../../../../functions/shared/aws/classify';
import { createIotControlPlane } from '../../../../../../functions/shared/aws/iot-control-plane/client';
import { iotEndpoint } from '../../../../../../functions/shared/aws/iot-control-plane/endpoint';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A local stand-in for the IoT control plane: records each request, answers from a queue. */
let server: Server;
let endpoint: string;
let seen: Seen[] = [];
let answers: Answer[] = [];
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = answers.shift() ?? { status: 200, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = [];
  answers = [];
});

const credentials = { accessKeyId: 'AKIATESTONLY00000000', secretAccessKey: 'test-only-secret', sessionToken: 'token' };
/** The SDK's standard strategy without the backoff waits, so retries are immediate. */
const noWait = (maxAttempts: number) => new StandardRetryStrategy({ maxAttempts, backoff: { computeNextBackoffDelay: () => 0, setDelayBase: () => undefined } });
const client = (maxAttempts = 1) => {
  const c = createIotControlPlane({ region: 'eu-west-1', maxAttempts, requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 }, endpoint, credentials, retryStrategy: noWait(maxAttempts) });
  clients.push(c);
  return c;
};
const clients: Array<{ destroy(): void }> = [];
afterAll(() => clients.forEach((c) => c.destroy()));

describe('IoT control-plane client: requests as the SDK sends them', () => {
  it('describes a thing with GET /things/{thingName}, the label encoded, signed with SigV4 for iot in the Region', async () => {
    answers.push({ status: 200, body: { thingName: 'us-east-1:abc', attributes: { owner: 'x' }, version: 4, thingId: 'id' } });
    const out = await client().describeThing({ thingName: 'us-east-1:abc' });
    expect(out).toMatchObject({ thingName: 'us-east-1:abc', attributes: { owner: 'x' }, version: 4 });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/things/us-east-1%3Aabc', body: '' });
    expect(seen[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIATESTONLY00000000\/\d{8}\/eu-west-1\/iot\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    expect(seen[0]?.headers['x-amz-security-token']).toBe('token');
  });

  it('updates a thing with PATCH and the input, less the label, as the JSON body', async () => {
    await client().updateThing({ thingName: 'dev-1', expectedVersion: 3, attributePayload: { attributes: { owner: '' }, merge: true } });
    expect(seen[0]).toMatchObject({ method: 'PATCH', url: '/things/dev-1', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ expectedVersion: 3, attributePayload: { attributes: { owner: '' }, merge: true } });
  });

  it('lists things with the given members in the query string and none of the absent ones', async () => {
    answers.push({ status: 200, body: { things: [{ thingName: 'a', version: 1 }], nextToken: 'n2' } });
    const out = await client().listThings({ attributeName: 'owner', attributeValue: 'us-east-1:abc', maxResults: 250 });
    expect(out).toEqual({ things: [{ thingName: 'a', version: 1 }], nextToken: 'n2' });
    const url = new URL(seen[0]?.url ?? '', endpoint);
    expect([url.pathname, Object.fromEntries(url.searchParams)]).toEqual(['/things', { attributeName: 'owner', attributeValue: 'us-east-1:abc', maxResults: '250' }]);
  });

  it('lists the targets of a policy with POST /policy-targets/{policyName}, marker and page size in the query', async () => {
    answers.push({ status: 200, body: { targets: ['us-east-1:abc'], nextMarker: 'm2' } });
    const out = await client().listTargetsForPolicy({ policyName: 'Stack-user-iot', marker: 'm1', pageSize: 250 });
    expect(out).toEqual({ targets: ['us-east-1:abc'], nextMarker: 'm2' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/policy-targets/Stack-user-iot?marker=m1&pageSize=250' });
  });

  it('attaches a policy with PUT and detaches it with POST /target-policies/{policyName}, the target in the JSON body', async () => {
    await client().attachPolicy({ policyName: 'Stack-user-iot', target: 'us-east-1:abc' });
    await client().detachPolicy({ policyName: 'Stack-user-iot', target: 'us-east-1:abc' });
    expect(seen.map(({ method, url, body }) => ({ method, url, body: JSON.parse(body) as unknown }))).toEqual([
      { method: 'PUT', url: '/target-policies/Stack-user-iot', body: { target: 'us-east-1:abc' } },
      { method: 'POST', url: '/target-policies/Stack-user-iot', body: { target: 'us-east-1:abc' } },
    ]);
  });

  it('keeps the path of an endpoint URL that has one in front of the operation\'s path', async () => {
    const prefixed = createIotControlPlane({ region: 'eu-west-1', maxAttempts: 1, requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 }, endpoint: `${endpoint}/iot/`, credentials });
    clients.push(prefixed);
    await prefixed.describeThing({ thingName: 'x' });
    expect(seen[0]?.url).toBe('/iot/things/x');
  });
});

describe('IoT control-plane client: errors and retries as the SDK has them', () => {
  it('names an error by its X-Amzn-Errortype code, with the status in $metadata, so callers classify it as before', async () => {
    answers.push({ status: 404, body: { message: 'Thing x not found' }, headers: { 'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.iot/' } });
    const error = await client().describeThing({ thingName: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: 'Thing x not found', $fault: 'client', $metadata: { httpStatusCode: 404 } });
    expect(classifyAwsError(error)).toBe('notFound');
  });

  it('falls back to the body\'s __type, without its namespace, for the error name', async () => {
    answers.push({ status: 409, body: { __type: 'com.amazonaws.iot#VersionConflictException', message: 'version 3 is stale' } });
    const error = await client().updateThing({ thingName: 'x', expectedVersion: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'VersionConflictException', $metadata: { httpStatusCode: 409 } });
  });

  it('retries throttling and server errors up to maxAttempts, then answers', async () => {
    answers.push({ status: 429, body: { message: 'Rate exceeded' }, headers: { 'x-amzn-errortype': 'ThrottlingException' } }, { status: 503, body: {} }, { status: 200, body: { targets: [] } });
    expect(await client(3).listTargetsForPolicy({ policyName: 'p' })).toEqual({ targets: [] });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a client error, and stops at maxAttempts with the last error', async () => {
    answers.push({ status: 404, body: {}, headers: { 'x-amzn-errortype': 'ResourceNotFoundException' } });
    await expect(client(3).describeThing({ thingName: 'x' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(seen).toHaveLength(1);
    answers.push({ status: 500, body: {}, headers: { 'x-amzn-errortype': 'InternalFailureException' } }, { status: 500, body: {}, headers: { 'x-amzn-errortype': 'InternalFailureException' } });
    await expect(client(2).describeThing({ thingName: 'x' })).rejects.toMatchObject({ name: 'InternalFailureException', $metadata: { httpStatusCode: 500 } });
    expect(seen).toHaveLength(3);
  });

  it('fails a refused connection as a transport error the callers treat as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = createIotControlPlane({ region: 'eu-west-1', maxAttempts: 1, requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 }, endpoint: `http://127.0.0.1:${port}`, credentials });
    clients.push(refused);
    const error = await refused.describeThing({ thingName: 'x' }).catch((e: unknown) => e);
    expect(classifyAwsError(error)).toBe('unavailable');
  });
});

describe('IoT control-plane endpoint', () => {
  it('takes the client\'s endpoint, then AWS_ENDPOINT_URL_IOT, then AWS_ENDPOINT_URL, else the Region\'s', () => {
    const env = { AWS_ENDPOINT_URL_IOT: 'http://iot.local:4000', AWS_ENDPOINT_URL: 'http://all.local:4000' };
    expect(iotEndpoint('us-east-1', 'https://explicit.example', env).href).toBe('https://explicit.example/');
    expect(iotEndpoint('us-east-1', undefined, env).href).toBe('http://iot.local:4000/');
    expect(iotEndpoint('us-east-1', undefined, { AWS_ENDPOINT_URL: 'http://all.local:4000' }).href).toBe('http://all.local:4000/');
    expect(iotEndpoint('us-east-1', undefined, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }).href).toBe('https://iot.us-east-1.amazonaws.com/');
    expect(iotEndpoint('cn-north-1', undefined, {}).href).toBe('https://iot.cn-north-1.amazonaws.com.cn/');
  });
});

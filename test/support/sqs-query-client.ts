import { SignatureV4 } from '@smithy/signature-v4';
import { SANDBOX_BACKEND_CREDENTIALS, SANDBOX_REGION } from '../../sandbox/wire/account';
import { Sha256 } from '../../functions/shared/aws/sha256';

export interface QueryCall {
  /** Where to send it: the endpoint, or a queue URL (its path then names the queue). Default: the endpoint's root. */
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly method?: 'POST' | 'GET';
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
  /** The signing time (the sandbox clock's). Default: now. */
  readonly signedAt?: number;
}

export interface QueryAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly xml: string;
}

/**
 * An SQS call in the AWS query protocol, as botocore's query serializer sends it: `Action` and
 * `Version=2012-11-05` first, then the parameters, form-encoded in a POST with
 * `Content-Type: application/x-www-form-urlencoded; charset=utf-8` (or in a GET's query string),
 * SigV4-signed with @smithy/signature-v4 as signing name `sqs`. `credentials: null` sends it unsigned.
 */
export async function queryCall(call: QueryCall): Promise<QueryAnswer> {
  const url = new URL(call.url);
  const form = new URLSearchParams({ Action: call.params['Action'] ?? '', Version: '2012-11-05', ...call.params }).toString();
  const method = call.method ?? 'POST';
  const query = method === 'GET' ? Object.fromEntries(new URLSearchParams(form)) : {};
  const headers: Record<string, string> = { host: url.host, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}) };
  const request = { method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, ...(method === 'POST' ? { body: form } : {}) };
  const credentials = call.credentials === undefined ? SANDBOX_BACKEND_CREDENTIALS : call.credentials;
  const signer = credentials && new SignatureV4({ service: 'sqs', region: SANDBOX_REGION, credentials, sha256: Sha256 });
  const signed = signer ? await signer.sign(request, { signingDate: new Date(call.signedAt ?? Date.now()) }) : request;
  const target = `${url.origin}${url.pathname}${method === 'GET' ? `?${form}` : ''}`;
  const res = await fetch(target, { method, headers: signed.headers, ...(method === 'POST' ? { body: form } : {}) });
  return { status: res.status, contentType: res.headers.get('content-type'), xml: await res.text() };
}

const unescapeXml = (text: string) =>
  text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[entity] ?? '';
  });

/** The text of every `<tag>` element in document order (elements without nested `tag`). */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => unescapeXml(m[1] ?? ''));
}

/** The text of the first `<tag>` element, or undefined. */
export function xmlValue(xml: string, tag: string): string | undefined {
  return xmlValues(xml, tag)[0];
}

import type { QueryShape, StructShape } from './query-shapes';

/** SQS's query-protocol XML namespace (the service model's `xmlNamespace`). */
export const SQS_XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

/**
 * Escapes text for an XML element. Carriage returns become `&#xD;`: an XML parser turns a raw CR
 * (and CRLF) into LF, and a message body must come back byte for byte.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;' })[c] ?? c);
}

const element = (name: string, content: string) => `<${name}>${content}</${name}>`;

/** One member as elements: a flattened list or map repeats `name`, a struct nests, a scalar is text. */
function serialize(name: string, value: unknown, shape: QueryShape): string {
  if (value === undefined || value === null) return '';
  if (typeof shape === 'string') return element(name, escapeXml(String(value)));
  switch (shape.kind) {
    case 'list':
      return (value as unknown[]).map((item) => serialize(name, item, shape.of)).join('');
    case 'map':
      return Object.entries(value as Record<string, unknown>)
        .map(([key, item]) => element(name, element(shape.key, escapeXml(key)) + serialize('Value', item, shape.of)))
        .join('');
    case 'struct':
      return element(name, serializeMembers(value as Record<string, unknown>, shape));
  }
}

function serializeMembers(value: Record<string, unknown>, shape: StructShape): string {
  return Object.entries(shape.members)
    .map(([member, [wire, memberShape]]) => serialize(wire, value[member], memberShape))
    .join('');
}

/**
 * `<OperationResponse xmlns=…><OperationResult>…</OperationResult><ResponseMetadata><RequestId>…`
 * ("Interpreting Amazon SQS XML API responses",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html).
 * Operations whose output has no members answer the metadata only.
 */
export function resultXml(operation: string, output: Record<string, unknown>, shape: StructShape | undefined, requestId: string): string {
  const result = shape ? element(`${operation}Result`, serializeMembers(output, shape)) : '';
  const metadata = element('ResponseMetadata', element('RequestId', requestId));
  return `<?xml version="1.0"?><${operation}Response xmlns="${SQS_XML_NAMESPACE}">${result}${metadata}</${operation}Response>`;
}

/** `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message><Detail/></Error><RequestId>…` (same page). */
export function errorXml(error: { readonly side: string; readonly code: string; readonly message: string }, requestId: string): string {
  const body = element('Type', error.side) + element('Code', escapeXml(error.code)) + element('Message', escapeXml(error.message)) + '<Detail/>';
  return `<?xml version="1.0"?><ErrorResponse xmlns="${SQS_XML_NAMESPACE}">${element('Error', body)}${element('RequestId', requestId)}</ErrorResponse>`;
}

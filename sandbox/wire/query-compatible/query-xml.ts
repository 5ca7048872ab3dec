/**
 * Escapes text for an XML element. Carriage returns become `&#xD;`: an XML parser turns a raw CR
 * (and CRLF) into LF, and a message body must come back byte for byte.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;' })[c] ?? c);
}

export const element = (name: string, content: string) => `<${name}>${content}</${name}>`;

/**
 * `<OperationResponse xmlns=…><OperationResult>…</OperationResult><ResponseMetadata><RequestId>…`
 * (the service model's `resultWrapper`; "Interpreting Amazon SQS XML API responses",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html).
 * `result` is the `<OperationResult>` element, empty for operations whose output has no members.
 */
export function responseXml(xmlNamespace: string, operation: string, result: string, requestId: string): string {
  const metadata = element('ResponseMetadata', element('RequestId', requestId));
  return `<?xml version="1.0"?><${operation}Response xmlns="${xmlNamespace}">${result}${metadata}</${operation}Response>`;
}

/** `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message>[<Detail/>]</Error><RequestId>…` (same page). */
export function errorXml(xmlNamespace: string, error: { readonly side: string; readonly code: string; readonly message: string }, requestId: string, detail: boolean): string {
  const body = element('Type', error.side) + element('Code', escapeXml(error.code)) + element('Message', escapeXml(error.message)) + (detail ? '<Detail/>' : '');
  return `<?xml version="1.0"?><ErrorResponse xmlns="${xmlNamespace}">${element('Error', body)}${element('RequestId', requestId)}</ErrorResponse>`;
}

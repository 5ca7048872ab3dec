/** CloudWatch's query-protocol XML namespace (the service model's `xmlNamespace`). */
export const CLOUDWATCH_XML_NAMESPACE = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;' })[c] ?? c);
}

const element = (name: string, content: string) => `<${name}>${content}</${name}>`;

/** One member as XML: lists as `<member>` items (CloudWatch's are not flattened), timestamps in ISO 8601, structures nested. */
function serialize(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return element(name, value.toISOString());
  if (Array.isArray(value)) return element(name, value.map((item) => serialize('member', item)).join(''));
  if (typeof value === 'object') return element(name, Object.entries(value).map(([member, v]) => serialize(member, v)).join(''));
  return element(name, escapeXml(String(value)));
}

/** `<OperationResponse xmlns=…><OperationResult>…</OperationResult><ResponseMetadata><RequestId>…` (the service model's `resultWrapper`). */
export function resultXml(operation: string, output: object, requestId: string): string {
  const metadata = element('ResponseMetadata', element('RequestId', requestId));
  return `<?xml version="1.0"?><${operation}Response xmlns="${CLOUDWATCH_XML_NAMESPACE}">${serialize(`${operation}Result`, output)}${metadata}</${operation}Response>`;
}

/** `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…`. */
export function errorXml(error: { readonly side: string; readonly code: string; readonly message: string }, requestId: string): string {
  const body = element('Type', error.side) + element('Code', escapeXml(error.code)) + element('Message', escapeXml(error.message));
  return `<?xml version="1.0"?><ErrorResponse xmlns="${CLOUDWATCH_XML_NAMESPACE}">${element('Error', body)}${element('RequestId', requestId)}</ErrorResponse>`;
}

import { element, escapeXml } from '../../../wire/query-compatible/query-xml';

/** CloudWatch's query-protocol XML namespace (the service model's `xmlNamespace`). */
export const CLOUDWATCH_XML_NAMESPACE = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

/** One member as XML: lists as `<member>` items (CloudWatch's are not flattened), timestamps in ISO 8601, structures nested. */
function serialize(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return element(name, value.toISOString());
  if (Array.isArray(value)) return element(name, value.map((item) => serialize('member', item)).join(''));
  if (typeof value === 'object') return element(name, Object.entries(value).map(([member, v]) => serialize(member, v)).join(''));
  return element(name, escapeXml(String(value)));
}

/** The `<OperationResult>` element (the service model's `resultWrapper`). */
export function resultXml(operation: string, output: object): string {
  return serialize(`${operation}Result`, output);
}

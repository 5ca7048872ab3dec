import { element, escapeXml } from '../../../wire/query-compatible/query-xml';
import type { QueryShape, StructShape } from './query-shapes';

/** SQS's query-protocol XML namespace (the service model's `xmlNamespace`). */
export const SQS_XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

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

/** The `<OperationResult>` element, by the operation's output shape; operations without one answer none. */
export function resultXml(operation: string, output: Record<string, unknown>, shape: StructShape | undefined): string {
  return shape ? element(`${operation}Result`, serializeMembers(output, shape)) : '';
}

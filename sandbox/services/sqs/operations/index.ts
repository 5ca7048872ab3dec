import { batchOperations } from './batches';
import type { SqsContext, SqsOperation } from './context';
import { messageOperations } from './messages';
import { queueOperations } from './queues';
import { receiveOperation } from './receive';

export type { SqsCall, SqsContext, SqsOperation } from './context';

/** Every SQS operation the sandbox serves, by name (the X-Amz-Target suffix and the query `Action`). */
export function sqsOperations(ctx: SqsContext): Readonly<Record<string, SqsOperation>> {
  return { ...queueOperations(ctx), ...messageOperations(ctx), ReceiveMessage: receiveOperation(ctx), ...batchOperations(ctx) };
}

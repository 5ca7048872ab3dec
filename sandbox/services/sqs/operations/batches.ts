import { SqsError, SqsErrors } from '../errors';
import { messageSize } from '../message';
import type { MessageAttributeMap } from '../message-attributes';
import { parseSqsRequest } from '../requests';
import type { SqsContext, SqsOperation } from './context';
import { changeVisibilityWith, deleteWith, sendTo } from './messages';

/** "up to 10 messages" (SendMessageBatch API; the same for the other batches). */
const MAX_ENTRIES = 10;
/** "An identifier for a message in this batch … can contain alphanumeric characters, hyphens and underscores" (up to 80). */
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
/** "the maximum total payload size (the sum of the individual lengths of all of the batched messages) … 1 MiB" (SendMessageBatch API). */
const MAX_BATCH_BYTES = 1_048_576;

/** The request-level checks every batch makes before any entry runs. */
function checkEntries(entries: ReadonlyArray<{ readonly Id: string }>, entryName: string): void {
  if (entries.length === 0) throw SqsErrors.emptyBatchRequest(entryName);
  if (entries.length > MAX_ENTRIES) throw SqsErrors.tooManyEntriesInBatchRequest(entries.length);
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (!ENTRY_ID.test(Id)) throw SqsErrors.invalidBatchEntryId();
    if (seen.has(Id)) throw SqsErrors.batchEntryIdsNotDistinct(Id);
    seen.add(Id);
  }
}

/**
 * Runs each entry on its own: "the batch request can result in a combination of successful and
 * unsuccessful actions" (SendMessageBatch API). A failed entry is reported with the error's
 * query code, as `BatchResultErrorEntry` (Id, SenderFault, Code, Message).
 */
function settle<E extends { readonly Id: string }>(entries: readonly E[], run: (entry: E) => object) {
  const Successful: object[] = [];
  const Failed: object[] = [];
  for (const entry of entries) {
    try {
      Successful.push({ Id: entry.Id, ...run(entry) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id: entry.Id, SenderFault: error.side === 'Sender', Code: error.code, Message: error.message });
    }
  }
  return { Successful, Failed };
}

/** SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch. */
export function batchOperations({ queues, now }: SqsContext): Record<string, SqsOperation> {
  return {
    SendMessageBatch: (input, call) => {
      const { QueueUrl, Entries } = parseSqsRequest('SendMessageBatch', input);
      const queue = queues.byUrl(QueueUrl);
      checkEntries(Entries, 'SendMessageBatchRequestEntry');
      const total = Entries.reduce((sum, e) => sum + messageSize(e.MessageBody, e.MessageAttributes as MessageAttributeMap | undefined), 0);
      if (total > MAX_BATCH_BYTES) throw SqsErrors.batchRequestTooLong(MAX_BATCH_BYTES, total);
      return settle(Entries, ({ Id: _id, ...message }) => sendTo(queue, message, call.callerId, now()));
    },
    DeleteMessageBatch: (input) => {
      const { QueueUrl, Entries } = parseSqsRequest('DeleteMessageBatch', input);
      const queue = queues.byUrl(QueueUrl);
      checkEntries(Entries, 'DeleteMessageBatchRequestEntry');
      return settle(Entries, ({ ReceiptHandle }) => {
        deleteWith(queue, ReceiptHandle);
        return {};
      });
    },
    ChangeMessageVisibilityBatch: (input) => {
      const { QueueUrl, Entries } = parseSqsRequest('ChangeMessageVisibilityBatch', input);
      const queue = queues.byUrl(QueueUrl);
      checkEntries(Entries, 'ChangeMessageVisibilityBatchRequestEntry');
      return settle(Entries, ({ ReceiptHandle, VisibilityTimeout }) => {
        changeVisibilityWith(queue, ReceiptHandle, VisibilityTimeout, now());
        return {};
      });
    },
  };
}

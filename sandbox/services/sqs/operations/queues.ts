import { SqsErrors } from '../errors';
import type { Queue } from '../queue';
import { attributesView, normalizeAttributes } from '../queue-attributes';
import { inRange, parseSqsRequest } from '../requests';
import type { SqsContext, SqsOperation } from './context';

/** "Only one PurgeQueue operation on <queue> is allowed every 60 seconds" (PurgeQueueInProgress, PurgeQueue API). */
const PURGE_INTERVAL_MS = 60_000;

/** ListQueues pages: the token is the last name of the page before. */
const pageToken = (queue: Queue) => Buffer.from(queue.name, 'utf8').toString('base64');
const afterToken = (token: string | undefined) => (token === undefined ? '' : Buffer.from(token, 'base64').toString('utf8'));

/** The queue operations: CreateQueue, GetQueueUrl, Get/SetQueueAttributes, DeleteQueue, PurgeQueue, ListQueues. */
export function queueOperations(ctx: SqsContext): Record<string, SqsOperation> {
  const { queues, now } = ctx;
  const exists = (arn: string) => queues.byArn(arn) !== undefined;
  return {
    CreateQueue: (input) => {
      // Tags are accepted and not kept (the sandbox has no ListQueueTags).
      const { QueueName, Attributes } = parseSqsRequest('CreateQueue', input);
      return { QueueUrl: queues.create(QueueName, normalizeAttributes(Attributes ?? {}, exists), now()).url };
    },
    GetQueueUrl: (input) => {
      const { QueueName } = parseSqsRequest('GetQueueUrl', input);
      const queue = queues.byQueueName(QueueName);
      if (!queue) throw SqsErrors.queueDoesNotExist();
      return { QueueUrl: queue.url };
    },
    GetQueueAttributes: (input) => {
      const { QueueUrl, AttributeNames } = parseSqsRequest('GetQueueAttributes', input);
      const queue = queues.byUrl(QueueUrl);
      const facts = { arn: queue.arn, createdAt: queue.createdAt, lastModifiedAt: queue.lastModifiedAt, ...queue.counts(now()) };
      // "if you don't specify values for this parameter, the request returns empty results" (GetQueueAttributes API).
      const attributes = attributesView(AttributeNames ?? [], queue.attributes, facts);
      return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
    },
    SetQueueAttributes: (input) => {
      const { QueueUrl, Attributes } = parseSqsRequest('SetQueueAttributes', input);
      const queue = queues.byUrl(QueueUrl);
      queue.setAttributes(normalizeAttributes(Attributes, exists), now());
      return {};
    },
    DeleteQueue: (input) => {
      const { QueueUrl } = parseSqsRequest('DeleteQueue', input);
      queues.delete(queues.byUrl(QueueUrl), now());
      return {};
    },
    PurgeQueue: (input) => {
      const { QueueUrl } = parseSqsRequest('PurgeQueue', input);
      const queue = queues.byUrl(QueueUrl);
      if (queue.lastPurgeAt !== undefined && now() - queue.lastPurgeAt < PURGE_INTERVAL_MS) throw SqsErrors.purgeQueueInProgress(queue.name);
      queue.purge(now());
      return {};
    },
    ListQueues: (input) => listQueues(ctx, input),
  };
}

/**
 * ListQueues (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html):
 * names starting with QueueNamePrefix, at most 1,000; MaxResults 1 to 1,000, and a NextToken only
 * when MaxResults was given and more remain.
 */
function listQueues({ queues }: SqsContext, input: unknown): object {
  const { QueueNamePrefix, MaxResults, NextToken } = parseSqsRequest('ListQueues', input);
  const limit = inRange('MaxResults', MaxResults, 1, 1000, 1000);
  const after = afterToken(NextToken);
  const matching = queues.list(QueueNamePrefix).filter((q) => q.name > after);
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return {
    ...(page.length > 0 ? { QueueUrls: page.map((q) => q.url) } : {}),
    ...(MaxResults !== undefined && matching.length > limit && last ? { NextToken: pageToken(last) } : {}),
  };
}

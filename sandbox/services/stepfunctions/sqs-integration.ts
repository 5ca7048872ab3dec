import { SendMessageCommand, type SendMessageCommandInput, type SQSClient } from '@aws-sdk/client-sqs';
import { sdkTaskError } from './sdk-integrations';
import { TaskError } from './task-error';

/**
 * The SendMessage parameters the optimized integration takes ("Call Amazon SQS with Step
 * Functions", https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html, supported
 * parameters): the SendMessage request members of the same names.
 */
const SUPPORTED_PARAMETERS: ReadonlySet<string> = new Set([
  'DelaySeconds',
  'MessageAttributes',
  'MessageBody',
  'MessageDeduplicationId',
  'MessageGroupId',
  'QueueUrl',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses, at registration, a Parameters field the integration does not take (a `.$` field counts by its name). */
export function checkSqsParameters(stateName: string, parameters: unknown): void {
  if (parameters === undefined) throw new Error(`Task state '${stateName}': sqs:sendMessage needs Parameters (QueueUrl, MessageBody)`);
  if (!isRecord(parameters)) throw new Error(`Task state '${stateName}': sqs:sendMessage Parameters must be an object`);
  for (const key of Object.keys(parameters)) {
    const name = key.endsWith('.$') ? key.slice(0, -2) : key;
    if (!SUPPORTED_PARAMETERS.has(name)) {
      throw new Error(`Task state '${stateName}': sqs:sendMessage does not take '${name}' (supported: ${[...SUPPORTED_PARAMETERS].join(', ')})`);
    }
  }
}

/** The request as the SQS API takes it: a MessageBody that is not a string is sent as its JSON text. */
function sendMessageInput(parameters: unknown): SendMessageCommandInput {
  if (!isRecord(parameters) || typeof parameters.QueueUrl !== 'string') {
    throw new TaskError('States.Runtime', 'sqs:sendMessage requires Parameters.QueueUrl (a string)');
  }
  if (parameters.MessageBody === undefined) throw new TaskError('States.Runtime', 'sqs:sendMessage requires Parameters.MessageBody');
  const { MessageBody, ...rest } = parameters;
  // The body may be any JSON value in the ASL; SQS takes text. An object (the usual case, with
  // "TaskToken.$": "$$.Task.Token" in it) arrives at the consumer as its JSON serialization.
  const body = typeof MessageBody === 'string' ? MessageBody : JSON.stringify(MessageBody);
  return { ...(rest as Omit<SendMessageCommandInput, 'MessageBody'>), MessageBody: body };
}

/**
 * `arn:aws:states:::sqs:sendMessage` and `…:sendMessage.waitForTaskToken` through a real SDK v3
 * SQS client (pointed at the sandbox's SQS endpoint, `maxAttempts: 1`: the state's Retry is the
 * retry policy). The result is the SendMessage response (MD5OfMessageBody, MessageId, …); for the
 * callback pattern it is the TaskSubmitted output, and the task's result comes with its token.
 * SQS errors are named `SQS.<Error>Exception`, a client-side failure `SQS.SdkClientException`.
 */
export async function sendMessageTask(sqs: SQSClient, parameters: unknown): Promise<unknown> {
  const input = sendMessageInput(parameters);
  let output: object;
  try {
    output = await sqs.send(new SendMessageCommand(input));
  } catch (error) {
    throw sdkTaskError('SQS', error);
  }
  // The SDK's response metadata is not part of the API output.
  const { $metadata: _metadata, ...response } = output as Record<string, unknown>;
  return JSON.parse(JSON.stringify(response)) as unknown;
}

import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { ChainedTriggerFailedError } from '../../shared/aws/errors';

/**
 * Runs the post-authentication trigger an adopted pool had before the product's (design section
 * 11, the operator's `chainPostAuthentication`): the same event, synchronously, and its answer is
 * the sign-in's. An error of that function fails the sign-in, as it would have without the product.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export async function invokeChainedTrigger(
  lambda: Pick<LambdaClient, 'send'>,
  functionArn: string,
  event: PostAuthenticationTriggerEvent,
  abortSignal: AbortSignal,
): Promise<PostAuthenticationTriggerEvent> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionArn, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(event)) }), {
    abortSignal,
  });
  const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
  let answer: unknown;
  try {
    answer = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ChainedTriggerFailedError(`The chained post-authentication trigger ${functionArn} answered something other than JSON`);
  }
  if (out.FunctionError) {
    const message = (answer as { errorMessage?: unknown } | undefined)?.errorMessage;
    throw new ChainedTriggerFailedError(`The chained post-authentication trigger ${functionArn} failed: ${typeof message === 'string' ? message : out.FunctionError}`);
  }
  return answer && typeof answer === 'object' ? (answer as PostAuthenticationTriggerEvent) : event;
}

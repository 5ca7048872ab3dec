import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { invokeChainedTrigger } from '../../../../../functions/onboarding/post-authentication/chain';

const lambdaMock = mockClient(LambdaClient);
const THEIRS = 'arn:aws:lambda:eu-west-1:123456789012:function:team-audit';
const event = { version: '1', triggerSource: 'PostAuthentication_Authentication', userName: 'alice', request: { userAttributes: { sub: 's' } }, response: {} } as unknown as PostAuthenticationTriggerEvent;
/** A response payload: the bytes the function answered (the core reads them as a Uint8Array). */
const blob = (text: string) => new TextEncoder().encode(text) as InvokeCommandOutput['Payload'];
const payload = (value: unknown) => blob(JSON.stringify(value));
const run = () => invokeChainedTrigger(new LambdaClient({ region: 'eu-west-1' }), THEIRS, event, AbortSignal.timeout(5_000));

describe("an adopted pool's own post-authentication trigger, chained after the product's", () => {
  beforeEach(() => lambdaMock.reset());

  it('is invoked synchronously with the same event, and its answer is the sign-in\'s', async () => {
    const answered = { ...event, response: { audited: true } };
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(answered) });
    expect(await run()).toEqual(answered);
    const input = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: THEIRS, InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual(event);
  });

  it('fails the sign-in when that function fails (as it did before adoption), naming it and its error', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorType: 'Error', errorMessage: 'audit store down' }) });
    await expect(run()).rejects.toMatchObject({ name: 'ChainedTriggerFailed', message: `The chained post-authentication trigger ${THEIRS} failed: audit store down` });
  });

  it('refuses an answer that is not JSON, and keeps the event when the function answers nothing', async () => {
    lambdaMock.on(InvokeCommand).resolvesOnce({ StatusCode: 200, Payload: blob('not json') }).resolves({ StatusCode: 200 });
    await expect(run()).rejects.toMatchObject({ name: 'ChainedTriggerFailed' });
    expect(await run()).toEqual(event);
  });
});

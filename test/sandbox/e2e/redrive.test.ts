import { DescribeExecutionCommand, RedriveExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { fileFixture } from '../../support/file-fixture';
import { startHarness } from './harness';

const h = fileFixture(() => startHarness());

describe('failed onboardings and redrive in the sandbox', () => {
  it('fails an execution at AttachPolicy when its gate message is dead-lettered, then RedriveExecution completes it from there', async () => {
    const username = await h.newUser('redrive');
    const resolvesBefore = h.sandbox.services.lambda.invocations['resolve-identity'] ?? 0;
    const { executionArn, status } = await h.signInUntilDeadLettered(username);
    h.sandbox.faults.set('iot:AttachPolicy', undefined);
    expect(status).toBe('FAILED');
    const failed = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(failed.error).toBe('GateDeadLettered');
    expect(failed.cause).toMatch(/in 5 deliveries/);
    expect(failed.redriveStatus).toBe('REDRIVABLE');

    await h.sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(await h.sandbox.services.sfn.waitForExecution(executionArn)).toBe('SUCCEEDED');
    const done = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(done.redriveCount).toBe(1);
    expect(h.sandbox.services.lambda.invocations['resolve-identity']).toBe(resolvesBefore + 1);
    await expect(h.app.iotAccess((await h.app.signIn(username, h.password)).idToken)).resolves.toMatchObject({ region: 'us-east-1' });
  });

  it('redrives a user\'s failed execution at their next sign-in', async () => {
    const username = await h.newUser('recover');
    const first = await h.signInUntilDeadLettered(username);
    h.sandbox.faults.set('iot:AttachPolicy', undefined);
    expect(first.status).toBe('FAILED');

    await h.app.signIn(username, h.password);
    expect(await h.sandbox.services.sfn.waitForExecution(first.executionArn)).toBe('SUCCEEDED');
    const execution = await h.sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(execution.redriveCount).toBe(1);
  });

  it('publishes no second welcome when the whole workflow runs again for an onboarded user', async () => {
    const user = await h.onboardedUser('once');
    const updatesBefore = h.sandbox.faults.stats('iot:UpdateThingShadow').calls;
    const readsBefore = h.sandbox.faults.stats('iot:GetThingShadow').calls;
    const { executionArn } = await h.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: h.sandbox.stateMachineArn,
        name: `onboard-${user.sub}-v1-rerun`,
        input: JSON.stringify({ username: user.username, sub: user.sub, onboardingVersion: '1' }),
      }),
    );
    expect(await h.sandbox.services.sfn.waitForExecution(executionArn ?? '')).toBe('SUCCEEDED');
    const output = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(JSON.parse(output.output ?? '{}')).toMatchObject({ welcome: { published: false } });
    expect(h.sandbox.faults.stats('iot:GetThingShadow').calls).toBe(readsBefore + 1);
    expect(h.sandbox.faults.stats('iot:UpdateThingShadow').calls).toBe(updatesBefore);
  });
});

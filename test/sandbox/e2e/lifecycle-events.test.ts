import { AdminDeleteUserCommand, AdminDisableUserCommand, DeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUserLifecycleEvent, userLifecycleEventPattern, type UserLifecycleEvent } from '../../../functions/shared/identity/lifecycle-events';
import { startHarness, type Harness } from './harness';

let h: Harness;
const delivered: unknown[] = [];

beforeAll(async () => {
  h = await startHarness();
  h.sandbox.eventBus.putRule('offboarding', userLifecycleEventPattern);
  h.sandbox.eventBus.putTarget('offboarding', 'collector', (event) => delivered.push(event));
});

afterAll(async () => {
  await h?.close();
});

async function deliveredFor(sub: string): Promise<UserLifecycleEvent[]> {
  await h.sandbox.eventBus.drain();
  return delivered.map(parseUserLifecycleEvent).filter((e): e is UserLifecycleEvent => e?.detail.additionalEventData.sub === sub);
}

describe('user lifecycle events in the sandbox', () => {
  it('delivers AdminDeleteUser, AdminDisableUser and self DeleteUser to the rule as EventBridge would', async () => {
    const pool = h.sandbox.userPool.userPoolId;
    const deleted = await h.newUser('deleted');
    const deletedSub = h.subOf(await h.app.signIn(deleted, h.password));
    await h.idp.send(new AdminDeleteUserCommand({ UserPoolId: pool, Username: deleted }));

    const disabled = await h.newUser('disabled');
    const disabledSub = h.subOf(await h.app.signIn(disabled, h.password));
    await h.idp.send(new AdminDisableUserCommand({ UserPoolId: pool, Username: disabled }));

    const leaving = await h.newUser('leaving');
    const tokens = await h.app.signIn(leaving, h.password);
    await h.idp.send(new DeleteUserCommand({ AccessToken: tokens.accessToken }));

    expect((await deliveredFor(deletedSub)).map((e) => [e.detail.eventName, e.detail.requestParameters?.userPoolId])).toEqual([['AdminDeleteUser', pool]]);
    expect((await deliveredFor(disabledSub)).map((e) => e.detail.eventName)).toEqual(['AdminDisableUser']);
    expect((await deliveredFor(h.subOf(tokens))).map((e) => e.detail.eventName)).toEqual(['DeleteUser']);
    expect(h.sandbox.eventBus.failures).toEqual([]);
  });
});

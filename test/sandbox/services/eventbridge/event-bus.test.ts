import { describe, expect, it } from 'vitest';
import { userLifecycleEventPattern } from '../../../../functions/shared/identity/lifecycle-events';
import { EventBus, matchesPattern, type DeliveredEvent } from '../../../../sandbox/services/eventbridge';

const event = {
  source: 'aws.cognito-idp',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: {
    eventSource: 'cognito-idp.amazonaws.com',
    eventName: 'AdminDeleteUser',
    requestParameters: { userPoolId: 'us-east-1_abc', username: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
    additionalEventData: { sub: '1b2c' },
    tags: ['blue', 'green'],
    count: 3,
    flag: null,
  },
};

describe('event pattern matching', () => {
  it('matches exact values, any of an array of alternatives, and ignores fields the pattern does not name', () => {
    expect(matchesPattern({ source: ['aws.cognito-idp'] }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventName: ['DeleteUser', 'AdminDeleteUser'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventName: ['DeleteUser'] } }, event)).toBe(false);
  });

  it('requires every named field (AND) and nested objects', () => {
    expect(matchesPattern({ source: ['aws.cognito-idp'], detail: { requestParameters: { userPoolId: ['us-east-1_abc'] } } }, event)).toBe(true);
    expect(matchesPattern({ source: ['aws.cognito-idp'], detail: { requestParameters: { userPoolId: ['us-east-1_other'] } } }, event)).toBe(false);
  });

  it('matches an event array when any element matches', () => {
    expect(matchesPattern({ detail: { tags: ['green'] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { tags: ['red'] } }, event)).toBe(false);
  });

  it('compares numbers and null exactly and does not coerce types', () => {
    expect(matchesPattern({ detail: { count: [3] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { count: ['3'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { flag: [null] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [null] } }, event)).toBe(false);
  });

  it('matches prefix and suffix on strings only', () => {
    expect(matchesPattern({ detail: { eventName: [{ prefix: 'Admin' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventName: [{ prefix: 'Delete' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { eventName: [{ suffix: 'User' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { count: [{ prefix: '3' }] } }, event)).toBe(false);
  });

  it('matches exists true only when the field is present and exists false only when it is absent', () => {
    expect(matchesPattern({ detail: { eventName: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { errorCode: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { errorCode: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventName: [{ exists: false }] } }, event)).toBe(false);
  });

  it('matches anything-but and equals-ignore-case', () => {
    expect(matchesPattern({ detail: { eventName: [{ 'anything-but': ['DeleteUser'] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventName: [{ 'anything-but': 'AdminDeleteUser' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { eventName: [{ 'equals-ignore-case': 'admindeleteuser' }] } }, event)).toBe(true);
  });

  it('throws on a content filter it does not implement rather than matching silently', () => {
    expect(() => matchesPattern({ detail: { count: [{ numeric: ['>', 1] }] } }, event)).toThrow(/numeric/);
  });

  it('accepts the product lifecycle pattern for a successful call and refuses a failed one', () => {
    expect(matchesPattern(userLifecycleEventPattern, event)).toBe(true);
    expect(matchesPattern(userLifecycleEventPattern, { ...event, detail: { ...event.detail, errorCode: 'UserNotFoundException' } })).toBe(false);
    expect(matchesPattern(userLifecycleEventPattern, { ...event, detail: { ...event.detail, eventName: 'AdminEnableUser' } })).toBe(false);
  });
});

describe('event bus', () => {
  it('delivers a matching event to every target of every matching rule, after PutEvents returned', async () => {
    const bus = new EventBus(() => Date.parse('2026-12-01T12:00:00Z'));
    const seen: Array<[string, DeliveredEvent]> = [];
    bus.putRule('a', { source: ['aws.cognito-idp'] });
    bus.putRule('b', { source: ['aws.iot'] });
    bus.putTarget('a', 't1', (e) => seen.push(['a/t1', e]));
    bus.putTarget('a', 't2', (e) => seen.push(['a/t2', e]));
    bus.putTarget('b', 't1', (e) => seen.push(['b/t1', e]));
    const [id] = bus.putEvents([{ source: 'aws.cognito-idp', detailType: 'AWS API Call via CloudTrail', detail: event.detail }]);
    expect(seen).toEqual([]);
    await bus.drain();
    expect(seen.map(([target]) => target).sort()).toEqual(['a/t1', 'a/t2']);
    expect(seen[0]?.[1]).toMatchObject({ version: '0', id, source: 'aws.cognito-idp', account: '000000000000', region: 'us-east-1', time: '2026-12-01T12:00:00Z', detail: event.detail });
  });

  it('records a failed delivery instead of losing it silently', async () => {
    const bus = new EventBus();
    bus.putRule('a', { source: ['x'] });
    bus.putTarget('a', 't', () => Promise.reject(new Error('target down')));
    bus.putEvents([{ source: 'x', detailType: 'd', detail: {} }]);
    await bus.drain();
    expect(bus.failures).toHaveLength(1);
    expect((bus.failures[0]?.error as Error).message).toBe('target down');
  });

  it('refuses a target for a rule that does not exist', () => {
    expect(() => new EventBus().putTarget('nope', 't', () => undefined)).toThrow(/does not exist/);
  });
});

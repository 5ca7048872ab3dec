import { describe, expect, it } from 'vitest';
import { listAll } from '../../../../../functions/shared/aws/pagination';
import { awsError } from '../../../fixtures';

/** A list of three pages: tokens t1 and t2 lead to the next ones. */
const pages: Record<string, { items: string[]; next: string | undefined }> = {
  start: { items: ['a', 'b'], next: 't1' },
  t1: { items: [], next: 't2' },
  t2: { items: ['c'], next: undefined },
};

describe('listAll', () => {
  it('follows next tokens to the last page, an empty page included, and keeps the order', async () => {
    const asked: Array<string | undefined> = [];
    const all = await listAll('ListThings', 'none', async (token) => {
      asked.push(token);
      return pages[token ?? 'start'] as { items: string[]; next: string | undefined };
    });
    expect(all).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual([undefined, 't1', 't2']);
  });

  it('answers the not-found value when AWS says the listed resource does not exist', async () => {
    const fetch = async () => Promise.reject(awsError('ResourceNotFoundException', 404));
    expect(await listAll('ListNamedShadowsForThing', 'none', fetch)).toBe('none');
  });

  it('turns any other failure into the named upstream error for the operation', async () => {
    const fetch = async () => Promise.reject(awsError('ThrottlingException', 429));
    await expect(listAll('ListTargetsForPolicy', [], fetch)).rejects.toMatchObject({
      name: 'UpstreamThrottled',
      message: expect.stringContaining('ListTargetsForPolicy failed (throttled)'),
    });
  });
});

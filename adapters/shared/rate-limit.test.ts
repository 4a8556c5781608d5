import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/errors.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { withRateLimitRetry } from './rate-limit.ts';

class Limited extends Error {
  constructor(readonly waitMs: number) {
    super('429');
  }
}

const policy = (slept: number[], extra = {}) => ({
  platform: 'test',
  log: silentLogger,
  retryAfterMs: (e: unknown) => (e instanceof Limited ? e.waitMs : null),
  sleep: async (ms: number) => {
    slept.push(ms);
  },
  ...extra,
});

describe('withRateLimitRetry', () => {
  it('waits what the platform asked and retries', async () => {
    const slept: number[] = [];
    let calls = 0;
    const value = await withRateLimitRetry('send', policy(slept), async () => {
      calls++;
      if (calls < 3) throw new Limited(250 * calls);
      return 'sent';
    });
    expect(value).toBe('sent');
    expect(slept).toEqual([250, 500]);
  });

  it('takes a call from the shared budget before every attempt, retries included', async () => {
    const taken: string[] = [];
    const budget = { take: async (platform: string) => void taken.push(platform) };
    let calls = 0;
    await withRateLimitRetry('send', policy([], { budget }), async () => {
      calls++;
      if (calls < 2) throw new Limited(10);
      return 'sent';
    });
    expect(taken).toEqual(['test', 'test']);
  });

  it('reports RATE_LIMITED instead of waiting too long or forever', async () => {
    const tooLong = withRateLimitRetry('send', policy([], { maxWaitMs: 1_000 }), async () => {
      throw new Limited(60_000);
    });
    await expect(tooLong).rejects.toBeInstanceOf(PlatformError);
    await expect(tooLong).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: 60_000 } });
    const slept: number[] = [];
    const endless = withRateLimitRetry('send', policy(slept, { maxRetries: 2 }), async () => {
      throw new Limited(10);
    });
    await expect(endless).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(slept).toHaveLength(2);
  });

  it('passes other errors through untouched', async () => {
    await expect(
      withRateLimitRetry('send', policy([]), async () => {
        throw new TypeError('bad');
      }),
    ).rejects.toBeInstanceOf(TypeError);
  });
});

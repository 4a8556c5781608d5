import { REST, Routes } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DISCORD_REST_DEFAULTS, REST_HANDLER_SWEEP_MS } from './rest-options.ts';

const APPLICATION_ID = '123456789012345678';
/** Interaction tokens are long and unique: each one is its own route for discord.js (webhook id + token). */
const token = (i: number) => `interaction-${i}-${'t'.repeat(160)}`;

describe('Discord REST per-interaction queues', () => {
  let requests: string[];
  let rest: REST;

  beforeEach(() => {
    // Only the sweeper's interval is faked; request time-outs keep real timers.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    requests = [];
    rest = new REST({
      ...DISCORD_REST_DEFAULTS,
      api: 'http://127.0.0.1:9/api',
      retries: 0,
      // discord.js's own 50 requests/s would hold every queue "limited" (never idle) through the second after a burst.
      globalRequestsPerSecond: 1_000_000,
      makeRequest: async (url) => {
        requests.push(url);
        return new Response(null, { status: 204 });
      },
    }).setToken('bot-token');
  });

  afterEach(() => {
    rest.clearHandlerSweeper();
    rest.clearHashSweeper();
    vi.useRealTimers();
  });

  /** What the adapter does to answer a deferred interaction: edit its "thinking…" message. */
  const answer = (i: number) =>
    rest.patch(Routes.webhookMessage(APPLICATION_ID, token(i), '@original'), { body: { content: 'ok' }, auth: false });

  it('keeps the queues of answered interactions for one sweep period at most, however many are answered', async () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 400; i++) await answer(round * 400 + i);
      // One queue per interaction answered since the last sweep…
      expect(rest.handlers.size).toBe(400);
      vi.advanceTimersByTime(REST_HANDLER_SWEEP_MS);
      // …and none once the sweep has run: they were idle.
      expect(rest.handlers.size).toBe(0);
    }
    expect(requests).toHaveLength(1_200);
  });

  it('answers an interaction again after its queue was swept (a new queue is made)', async () => {
    await answer(1);
    vi.advanceTimersByTime(REST_HANDLER_SWEEP_MS);
    expect(rest.handlers.size).toBe(0);
    await answer(1);
    expect(requests).toHaveLength(2);
    expect(rest.handlers.size).toBe(1);
  });

  it('sweeps each minute, not discord.js’s default hour', () => {
    expect(REST_HANDLER_SWEEP_MS).toBeLessThanOrEqual(60_000);
    expect(rest.options.handlerSweepInterval).toBe(REST_HANDLER_SWEEP_MS);
  });
});

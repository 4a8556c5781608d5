import { describe, expect, it } from 'vitest';
import { meteredFetcher, meteredModel, meteredStores } from '../../bots/instrument.ts';
import type { TransferRequest } from '../../core/interactions/ledger-store.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import type { ContentModel } from '../../core/ports/content-model.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { InProcessScheduler } from '../jobs/in-process-scheduler.ts';
import { startHardenedListener } from '../shared/hardened-listener.ts';
import { PromMetrics } from './prom-metrics.ts';

/** One sample's value in the exposition text, or undefined when absent. */
async function sample(metrics: PromMetrics, line: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('the metrics the ops port adds for scale-out', () => {
  it('reads queue depth and age from the job queue at each scrape', async () => {
    const metrics = new PromMetrics();
    const clock = new ManualClock('2026-12-01T10:00:00Z');
    const queue = new InProcessScheduler({ clock, log: silentLogger, timers: false });
    queue.schedule({ name: 'digest:a', kind: 'digest', schedule: { everyMs: 60_000 }, run: async () => {} });
    queue.schedule({ name: 'digest:b', kind: 'digest', schedule: { everyMs: 120_000 }, run: async () => {} });
    metrics.observeQueue(() => queue.stats());
    expect(await sample(metrics, 'cohort_queue_waiting{queue="digest"}')).toBe(0);
    clock.advance(150_000);
    expect(await sample(metrics, 'cohort_queue_waiting{queue="digest"}')).toBe(2);
    expect(await sample(metrics, 'cohort_queue_oldest_waiting_seconds{queue="digest"}')).toBe(90);
    await queue.runDue();
    expect(await sample(metrics, 'cohort_queue_waiting{queue="digest"}')).toBe(0);
  });

  it('counts failed runs, dead letters after the last retry, and retries with back-off before that', async () => {
    const metrics = new PromMetrics();
    const clock = new ManualClock('2026-12-01T10:00:00Z');
    const queue = new InProcessScheduler({
      clock,
      log: silentLogger,
      timers: false,
      metrics,
      retry: { limit: 2, delayMs: 1_000 },
    });
    let runs = 0;
    queue.schedule({
      name: 'sweep',
      schedule: { everyMs: 3_600_000 },
      runAtStart: true,
      run: async () => {
        runs++;
        throw new Error('down');
      },
    });
    clock.advance(1_000);
    await queue.runDue(); // first try
    expect(queue.nextRun('sweep')).toEqual(new Date(clock.now().getTime() + 1_000));
    clock.advance(1_000);
    await queue.runDue(); // retry 1
    expect(queue.nextRun('sweep')).toEqual(new Date(clock.now().getTime() + 2_000));
    clock.advance(2_000);
    await queue.runDue(); // retry 2, the last
    expect(runs).toBe(3);
    expect(await sample(metrics, 'cohort_job_runs_total{job="sweep",result="failed"}')).toBe(3);
    expect(await sample(metrics, 'cohort_job_dead_letters_total{job="sweep"}')).toBe(1);
    // Dead-lettered: back on its hourly schedule, no further retry.
    expect(queue.nextRun('sweep')!.getTime()).toBeGreaterThan(clock.now().getTime() + 3_000_000);
  });

  it('counts feed failures by code, model inference time by task and applied ledger transfers by kind', async () => {
    const metrics = new PromMetrics();
    const fetcher = meteredFetcher(
      {
        fetch: async () => {
          throw Object.assign(new Error('slow'), { code: 'FEED_TIMEOUT' });
        },
      },
      metrics,
    );
    await expect(fetcher.fetch('http://127.0.0.1:1/f', { etag: null, lastModified: null })).rejects.toThrow('slow');
    expect(await sample(metrics, 'cohort_feed_failures_total{reason="FEED_TIMEOUT"}')).toBe(1);

    const model: ContentModel = {
      id: 'm@1',
      dimensions: 2,
      embed: async (texts) => texts.map(() => new Float32Array(2)),
      signals: async (texts) => texts.map(() => ({ quality: 0.5, sentiment: 0, topics: [] })),
    };
    const metered = meteredModel(model, metrics);
    expect(metered.id).toBe('m@1');
    expect(await metered.embed(['a', 'b'])).toHaveLength(2);
    expect(await sample(metrics, 'cohort_model_inference_seconds_count{task="embed"}')).toBe(1);

    const outcomes = ['applied', 'duplicate'];
    const stores = meteredStores(
      { ledger: { transfer: async (_request: TransferRequest) => ({ status: outcomes.shift() }) as never } },
      metrics,
    );
    const tip = { kind: 'tip' } as TransferRequest;
    await stores.ledger.transfer(tip);
    await stores.ledger.transfer(tip);
    expect(await sample(metrics, 'cohort_ledger_transfers_total{kind="tip"}')).toBe(1);
  });

  it('counts the requests a webhook listener refuses, by listener and status', async () => {
    const metrics = new PromMetrics();
    const listener = await startHardenedListener({
      name: 'telegram-webhook',
      host: '127.0.0.1',
      port: 0,
      log: silentLogger,
      onRefused: (r) => metrics.webhookRefused(r),
      screen: (req) => (req.headers['x-secret'] === 'ok' ? null : { status: 403, reason: 'wrong secret' }),
      handle: (_req, res) => void res.writeHead(200).end('ok'),
    });
    try {
      const url = `http://127.0.0.1:${listener.address.port}/`;
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(403);
      expect((await fetch(url, { method: 'POST', body: '{}', headers: { 'x-secret': 'ok' } })).status).toBe(200);
      expect((await fetch(url, { method: 'GET' })).status).toBe(405);
    } finally {
      await listener.close();
    }
    expect(await sample(metrics, 'cohort_webhook_refusals_total{listener="telegram-webhook",status="403"}')).toBe(1);
    expect(await sample(metrics, 'cohort_webhook_refusals_total{listener="telegram-webhook",status="405"}')).toBe(1);
  });
});

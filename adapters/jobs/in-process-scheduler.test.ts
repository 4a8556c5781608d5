import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { InProcessScheduler } from './in-process-scheduler.ts';

const START = '2026-11-20T00:00:30Z';

function manual() {
  const clock = new ManualClock(START);
  return { clock, scheduler: new InProcessScheduler({ clock, log: silentLogger, timers: false, startDelayMs: 1_000 }) };
}

describe('the in-process job scheduler', () => {
  it('runs an interval job each time its interval has passed, and a run-at-start job soon after start', async () => {
    const { clock, scheduler } = manual();
    const runs: string[] = [];
    scheduler.schedule({ name: 'poll', schedule: { everyMs: 60_000 }, run: async () => runs.push('poll') });
    scheduler.schedule({
      name: 'report',
      schedule: { everyMs: 3_600_000 },
      runAtStart: true,
      run: async () => runs.push('report'),
    });
    await scheduler.runDue();
    expect(runs).toEqual([]);
    clock.advance(1_000);
    await scheduler.runDue();
    expect(runs).toEqual(['report']);
    clock.advance(59_000);
    await scheduler.runDue();
    await scheduler.runDue();
    expect(runs).toEqual(['report', 'poll']);
    expect(scheduler.nextRun('poll')?.toISOString()).toBe('2026-11-20T00:02:30.000Z');
  });

  it('runs a cron job at its wall-clock time in its own time zone', async () => {
    const { clock, scheduler } = manual();
    let runs = 0;
    scheduler.schedule({
      name: 'digest:1',
      schedule: { cron: '0 8 * * *', timezone: 'Asia/Shanghai' },
      run: async () => {
        runs++;
      },
    });
    // 08:00 in Shanghai is 00:00 UTC: the next one after 00:00:30 UTC is tomorrow's.
    expect(scheduler.nextRun('digest:1')?.toISOString()).toBe('2026-11-21T00:00:00.000Z');
    clock.set('2026-11-20T23:59:59Z');
    await scheduler.runDue();
    expect(runs).toBe(0);
    clock.set('2026-11-21T00:00:00Z');
    await scheduler.runDue();
    expect(runs).toBe(1);
  });

  it('never overlaps two runs of one job, and replaces a job scheduled again under its name', async () => {
    const { clock, scheduler } = manual();
    let running = 0;
    let most = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    scheduler.schedule({
      name: 'slow',
      schedule: { everyMs: 1_000 },
      run: async () => {
        most = Math.max(most, ++running);
        await held;
        running--;
      },
    });
    clock.advance(1_000);
    const first = scheduler.runDue();
    clock.advance(5_000);
    await scheduler.runDue();
    release();
    await first;
    expect(most).toBe(1);

    const seen: string[] = [];
    scheduler.schedule({ name: 'slow', schedule: { everyMs: 1_000 }, run: async () => seen.push('replacement') });
    expect(scheduler.names()).toEqual(['slow']);
    clock.advance(1_000);
    await scheduler.runDue();
    expect(seen).toEqual(['replacement']);
    scheduler.cancel('slow');
    clock.advance(10_000);
    await scheduler.runDue();
    expect(seen).toEqual(['replacement']);
    expect(scheduler.nextRun('slow')).toBeNull();
  });

  it('keeps running after a job fails, and stop() waits for a run in progress', async () => {
    const { clock, scheduler } = manual();
    let failures = 0;
    scheduler.schedule({
      name: 'flaky',
      schedule: { everyMs: 1_000 },
      run: async () => {
        failures++;
        throw new Error('boom');
      },
    });
    clock.advance(1_000);
    await scheduler.runDue();
    clock.advance(1_000);
    await scheduler.runDue();
    expect(failures).toBe(2);

    let finished = false;
    scheduler.schedule({
      name: 'long',
      schedule: { everyMs: 1_000 },
      run: () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            finished = true;
            resolve();
          }, 20),
        ),
    });
    clock.advance(1_000);
    void scheduler.runDue();
    await scheduler.stop();
    expect(finished).toBe(true);
    scheduler.schedule({ name: 'after-stop', schedule: { everyMs: 1 }, run: async () => {} });
    expect(scheduler.nextRun('after-stop')).toBeNull();
  });

  it('runs due jobs on its own timer when timers are on', async () => {
    const scheduler = new InProcessScheduler({ clock: { now: () => new Date() }, log: silentLogger, startDelayMs: 0 });
    let ran!: () => void;
    const done = new Promise<void>((resolve) => {
      ran = resolve;
    });
    scheduler.schedule({ name: 'soon', schedule: { everyMs: 3_600_000 }, runAtStart: true, run: async () => ran() });
    await done;
    await scheduler.stop();
  });
});

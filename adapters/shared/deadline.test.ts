import { describe, expect, it } from 'vitest';
import { runWithAck } from './deadline.ts';

describe('runWithAck', () => {
  it('does not acknowledge work that finishes in time', async () => {
    const steps: string[] = [];
    const result = await runWithAck({
      slow: false,
      ackAfterMs: 5_000,
      work: async () => 'done',
      acknowledge: async () => {
        steps.push('ack');
      },
    });
    expect(result).toEqual({ value: 'done', acknowledged: false });
    expect(steps).toEqual([]);
  });

  it('acknowledges a slow command before running it', async () => {
    const steps: string[] = [];
    const result = await runWithAck({
      slow: true,
      work: async () => {
        steps.push('work');
        return 1;
      },
      acknowledge: async () => {
        steps.push('ack');
      },
    });
    expect(result.acknowledged).toBe(true);
    expect(steps).toEqual(['ack', 'work']);
  });

  it('acknowledges work still running at the deadline, then returns its result', async () => {
    const steps: string[] = [];
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const running = runWithAck({
      slow: false,
      ackAfterMs: 1,
      work: () => work,
      acknowledge: async () => {
        steps.push('ack');
        finish('late answer');
      },
    });
    expect(await running).toEqual({ value: 'late answer', acknowledged: true });
    expect(steps).toEqual(['ack']);
  });

  it('propagates a failure of the work', async () => {
    await expect(
      runWithAck({ slow: false, work: () => Promise.reject(new Error('boom')), acknowledge: async () => {} }),
    ).rejects.toThrow('boom');
  });
});

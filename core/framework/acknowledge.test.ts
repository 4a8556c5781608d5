import { describe, expect, it } from 'vitest';
import { silentLogger } from '../ports/logger.ts';
import { Acknowledgement } from './acknowledge.ts';

describe('Acknowledgement', () => {
  it('does not acknowledge work that finishes in time', async () => {
    const steps: string[] = [];
    const ack = new Acknowledgement(
      async () => {
        steps.push('ack');
      },
      5_000,
      silentLogger,
    );
    expect(await ack.settle()).toBe(false);
    expect(steps).toEqual([]);
  });

  it('acknowledges a slow command before running it', async () => {
    const steps: string[] = [];
    const ack = new Acknowledgement(
      async () => {
        steps.push('ack');
      },
      5_000,
      silentLogger,
    );
    await ack.now();
    steps.push('work');
    expect(await ack.settle()).toBe(true);
    expect(steps).toEqual(['ack', 'work']);
  });

  it('acknowledges work still running at the deadline, and says so when it ends', async () => {
    const steps: string[] = [];
    let acked!: () => void;
    const reached = new Promise<void>((resolve) => {
      acked = resolve;
    });
    const ack = new Acknowledgement(
      async () => {
        steps.push('ack');
        acked();
      },
      1,
      silentLogger,
    );
    await reached;
    expect(await ack.settle()).toBe(true);
    expect(steps).toEqual(['ack']);
  });

  it('reports a failed acknowledgement as none, so the adapter answers directly', async () => {
    const ack = new Acknowledgement(() => Promise.reject(new Error('boom')), 5_000, silentLogger);
    await ack.now();
    expect(await ack.settle()).toBe(false);
  });

  it('acknowledges nothing when the adapter gave no way to', async () => {
    const ack = new Acknowledgement(undefined, 1, silentLogger);
    await ack.now();
    expect(await ack.settle()).toBe(false);
  });
});

/**
 * Platforms give a bot a few seconds to acknowledge (Discord and Slack: 3 s). A slow command is acknowledged
 * before it runs; any other command is acknowledged as soon as it has run for `ackAfterMs` without finishing.
 * The caller learns whether the acknowledgement happened, so it knows to follow up instead of answering.
 */
export interface AckPlan<T> {
  work: () => Promise<T>;
  /** Acknowledge before starting the work. */
  slow: boolean;
  /** Acknowledge if the work is still running after this long (default 2 000 ms, under the 3 s deadlines). */
  ackAfterMs?: number;
  acknowledge: () => Promise<void>;
}

export interface AckResult<T> {
  value: T;
  acknowledged: boolean;
}

export const DEFAULT_ACK_AFTER_MS = 2_000;

export async function runWithAck<T>(plan: AckPlan<T>): Promise<AckResult<T>> {
  if (plan.slow) {
    await plan.acknowledge();
    return { value: await plan.work(), acknowledged: true };
  }
  const running = plan.work();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), plan.ackAfterMs ?? DEFAULT_ACK_AFTER_MS);
  });
  try {
    const first = await Promise.race([running.then(() => 'done' as const), late]);
    if (first === 'done') return { value: await running, acknowledged: false };
    await plan.acknowledge();
    return { value: await running, acknowledged: true };
  } finally {
    clearTimeout(timer);
  }
}

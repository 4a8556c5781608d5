import { z } from 'zod';
import type { Platform } from '../../core/domain/types.ts';
import type { CohortCore, CommandEnvelope, ResumedCommand } from '../../core/framework/envelopes.ts';
import type { Logger } from '../../core/ports/logger.ts';

/**
 * Discord does not send an interaction again, nor Slack a slash command: once one is acknowledged ("thinking…",
 * an empty ack), only its follow-up can answer it. The adapter keeps a record of each acknowledged command (the
 * envelope and where the answer goes) with its delivery; every gateway sweeps for records whose delivery lease ran
 * out unfinished (the process that held it died) and answers them. Claims keep it to one answer across processes.
 */

/** How often a gateway looks for abandoned commands. Their lease (2 min) is what sets the wait; this only adds to it. */
export const RESUME_SWEEP_MS = 15_000;

/** The envelope as JSON gave it back: the shape is the adapter's own, written by this same code minutes before. */
export const StoredEnvelope = z.custom<CommandEnvelope>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CommandEnvelope).space?.platform === 'string' &&
    typeof (value as CommandEnvelope).user?.platformUserId === 'string' &&
    typeof (value as CommandEnvelope).input?.kind === 'string',
);

/** Parses a record written with `JSON.stringify`, or null when it is not what `schema` expects. */
export function readRecord<T>(schema: z.ZodType<T>, record: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(record));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface ResumeSweep {
  /** One sweep now (tests; the timer calls it too). Resolves with how many commands this process answered. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

export function startResumeSweep(options: {
  core: CohortCore;
  platform: Platform;
  log: Logger;
  resume: (record: string, deliveryId: string) => ResumedCommand | null;
  everyMs?: number;
}): ResumeSweep {
  let running: Promise<number> | null = null;
  const sweep = (): Promise<number> => {
    running ??= options.core
      .resumeAbandoned(options.platform, options.resume)
      .catch((error: unknown) => {
        options.log.warn({ err: error }, 'sweep for abandoned commands failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void sweep(), options.everyMs ?? RESUME_SWEEP_MS);
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../core/ports/logger.ts';

/** Bolt logs through our structured logger, so Slack's own warnings land in the same stream. */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.WARN;
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: (...parts) => log.debug({ bolt: true }, text(parts)),
    info: (...parts) => log.info({ bolt: true }, text(parts)),
    warn: (...parts) => log.warn({ bolt: true }, text(parts)),
    error: (...parts) => log.error({ bolt: true }, text(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

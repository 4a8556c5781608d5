import pino from 'pino';
import type { Logger } from '../core/ports/logger.ts';

/**
 * The one structured logger. JSON lines; namespaces via child loggers (`{ ns: 'adapter:slack' }`).
 * Secrets never reach it: the redact list is a last line of defence, not the plan.
 */
export function createLogger(options: { level: string; destination: 'stdout' | 'stderr' }): Logger {
  return pino(
    {
      level: options.level,
      base: { app: 'cohort' },
      redact: {
        paths: ['token', '*.token', 'config.*TOKEN*', 'headers.authorization', '*.password', 'secret', '*.secret'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination(options.destination === 'stdout' ? 1 : 2),
  );
}

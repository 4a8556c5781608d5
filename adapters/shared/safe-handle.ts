import { randomUUID } from 'node:crypto';
import type { CohortCore, CommandEnvelope, CommandOutcome, HandleOptions } from '../../core/framework/envelopes.ts';
import { normalizeLocale } from '../../core/i18n/translate.ts';
import type { Logger } from '../../core/ports/logger.ts';

/**
 * Core turns a command's own failures into polite replies; this covers what fails before it gets that far
 * (an unavailable database). The member still gets an answer with a reference to find the log line by, through
 * `options.answer` when the adapter gave one.
 */
export async function handleCommandSafely(
  core: CohortCore,
  envelope: CommandEnvelope,
  log: Logger,
  options: HandleOptions = {},
): Promise<CommandOutcome> {
  try {
    return await core.handleCommand(envelope, options);
  } catch (error) {
    const ref = randomUUID().slice(0, 8);
    const locale = normalizeLocale(envelope.user.locale) ?? 'en';
    log.error({ err: error, ref, delivery: envelope.deliveryId }, 'command failed before core could answer');
    const outcome: CommandOutcome = {
      reply: { text: core.translate(locale, 'common:errors.internal', { ref }), tone: 'error', ephemeral: true },
      status: 'INTERNAL',
      locale,
      acknowledged: false,
    };
    // Core never reached the answer: the adapter's own answer carries the apology.
    await options
      .answer?.(outcome)
      .catch((failure: unknown) => log.error({ err: failure }, 'sending the answer failed'));
    return outcome;
  }
}

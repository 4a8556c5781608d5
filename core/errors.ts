/**
 * Typed errors with stable codes. Three families, as the style guide asks:
 * - UserError: the member did something we can explain; shown politely through an i18n key.
 * - PlatformError: a remote platform refused or failed (status, route); logged, reported generically.
 * - InternalError: our bug or an unavailable dependency; logged loudly with context.
 */
export type ErrorKind = 'user' | 'platform' | 'internal';

export abstract class CohortError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(
    /** Stable, greppable, safe to show in logs and tests: e.g. `OPTION_INVALID`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UserError extends CohortError {
  readonly kind = 'user' as const;
  constructor(
    code: string,
    /** i18n key of the message shown to the member. */
    readonly i18nKey: string,
    readonly params: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, `${code}: ${i18nKey}`, options);
  }
}

export class PlatformError extends CohortError {
  readonly kind = 'platform' as const;
  constructor(
    code: string,
    message: string,
    readonly details: { platform: string; status?: number; route?: string; retryAfterMs?: number } = {
      platform: 'unknown',
    },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export class InternalError extends CohortError {
  readonly kind = 'internal' as const;
}

/**
 * The delivery a handler tried to settle in its own transaction was claimed or answered by another run
 * (DeliveryInEffect): nothing was written, and the dispatcher answers this run as the duplicate it is.
 */
export class DeliveryTaken extends CohortError {
  readonly kind = 'internal' as const;
  constructor() {
    super('DELIVERY_TAKEN', 'the command delivery was claimed by another run');
  }
}

/**
 * The same idempotency key came back with other parameters (another amount, member or course): refused as a
 * conflict, as payment APIs do, rather than answered with what the key did the first time.
 */
export function idempotencyKeyReused(): UserError {
  return new UserError('IDEMPOTENCY_KEY_REUSED', 'common:errors.idempotencyKeyReused');
}

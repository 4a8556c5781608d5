import { InternalError } from '../../core/errors.ts';

/**
 * The model could not be loaded: not found locally with remote loading disabled, unreachable hub, or files that
 * are not a model. Codes: MODEL_NOT_FOUND, MODEL_INVALID, MODEL_RUN_FAILED.
 */
export class ModelUnavailableError extends InternalError {
  constructor(
    code: 'MODEL_NOT_FOUND' | 'MODEL_INVALID' | 'MODEL_RUN_FAILED',
    message: string,
    readonly model: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

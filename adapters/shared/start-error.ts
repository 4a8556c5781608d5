import { PlatformError } from '../../core/errors.ts';
import { ListenError } from './hardened-listener.ts';

/**
 * Why a platform adapter could not start, in terms an operator can act on: which of the adapter's settings it is
 * about (bots/ turns that into the variable's name) and what the platform answered. bots/run.ts prints it as one
 * line; the SDK's stack trace only goes to the debug log.
 */
export type StartSetting = 'token' | 'appToken' | 'apiUrl' | 'listen' | 'intents' | 'webhook';

export type StartFailure = 'PLATFORM_REFUSED' | 'PLATFORM_UNREACHABLE' | 'LISTEN_FAILED';

export class PlatformStartError extends PlatformError {
  constructor(
    platform: string,
    readonly failure: StartFailure,
    readonly setting: StartSetting,
    /** The platform's own words (`invalid_auth`, `401: Unauthorized`) or the network's (`connect ECONNREFUSED …`). */
    readonly answer: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(
      failure,
      `${platform} ${failure === 'PLATFORM_REFUSED' ? 'refused' : 'failed'} (${setting}): ${answer}`,
      { platform, ...(options?.status !== undefined ? { status: options.status } : {}) },
      options,
    );
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * When nothing answered (refused connection, unknown host, timeout), a short description of it, found anywhere in
 * the cause chain (SDKs wrap the network error one or two levels deep); null when something did answer.
 */
export function networkFailure(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const link = current as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; original?: unknown };
    if (typeof link.code === 'string' && NETWORK_CODES.has(link.code))
      return typeof link.message === 'string' && link.message ? link.message.split('\n')[0]! : link.code;
    if (link.name === 'AbortError' || link.name === 'TimeoutError') return 'no answer in time';
    current = link.cause ?? link.original;
  }
  return null;
}

/** A listener that could not bind becomes a start failure about the `listen` setting. */
export function listenFailure(platform: string, error: unknown): PlatformStartError | null {
  if (!(error instanceof ListenError)) return null;
  return new PlatformStartError(platform, 'LISTEN_FAILED', 'listen', `${error.host}:${error.port} ${error.reason}`, {
    cause: error,
  });
}

import { PlatformError } from '../errors.ts';

/**
 * Why fetching or reading a feed failed. Every code has a moderator-facing explanation under
 * `content:feedError.<CODE>`; the detail (status, limit, address) goes into the message params.
 */
export const FEED_ERROR_CODES = [
  'FEED_BAD_URL',
  'FEED_CREDENTIALS_IN_URL',
  'FEED_BLOCKED_ADDRESS',
  'FEED_DNS',
  'FEED_NETWORK',
  'FEED_TIMEOUT',
  'FEED_TOO_LARGE',
  'FEED_TOO_MANY_REDIRECTS',
  'FEED_HTTP_STATUS',
  'FEED_COMPRESSED_BODY',
  'FEED_ABORTED',
  'FEED_ENTITIES',
  'FEED_MALFORMED',
  'FEED_UNRECOGNIZED',
] as const;
export type FeedErrorCode = (typeof FEED_ERROR_CODES)[number];

export class FeedError extends PlatformError {
  constructor(
    readonly feedCode: FeedErrorCode,
    message: string,
    readonly params: Record<string, string | number> = {},
    options?: { cause?: unknown },
  ) {
    super(feedCode, message, { platform: 'feed' }, options);
  }
}

export function isFeedError(error: unknown): error is FeedError {
  return error instanceof FeedError;
}

/** `FEED_HTTP_STATUS:404`: what a source row keeps as its last error. */
export function describeFeedError(error: unknown): { code: FeedErrorCode; params: Record<string, string | number> } {
  if (isFeedError(error)) return { code: error.feedCode, params: error.params };
  return { code: 'FEED_NETWORK', params: { detail: error instanceof Error ? error.message.slice(0, 200) : 'unknown' } };
}

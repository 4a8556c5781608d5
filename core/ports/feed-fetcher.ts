/** What a fetch returned. Failures throw FeedError with a stable code. */
export type FeedFetchResult =
  | { kind: 'not_modified'; freshForMs?: number | null }
  | {
      kind: 'ok';
      /**
       * How long the server says the document stays fresh (Cache-Control max-age / s-maxage less Age, else Expires
       * less Date); null when it says nothing, 0 for no-cache / no-store. Polling waits at least this long.
       */
      freshForMs?: number | null;
      body: string;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      /** After redirects. */
      finalUrl: string;
    };

/**
 * Reads a feed over HTTP for the content feature. adapters/feeds implements it with an SSRF guard, size and time caps
 * and conditional requests; core sees only this port.
 */
export interface FeedFetcher {
  fetch(url: string, conditional: { etag: string | null; lastModified: string | null }): Promise<FeedFetchResult>;
}

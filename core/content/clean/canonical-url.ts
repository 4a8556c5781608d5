/**
 * Canonical URLs: the key that finds the same article behind different share links.
 * Only for comparison; the original URL is what members see and click.
 */

/** Query parameters that identify a campaign or a sharer, never the content. */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'vero_id',
  'vero_conv',
  'oly_anon_id',
  'oly_enc_id',
  'wt_mc',
  'ref_src',
  'ref_url',
  's_cid',
  'cmpid',
  // Alibaba / Taobao / WeChat / Weibo / Bilibili share noise.
  'spm',
  'scm',
  'spm_id_from',
  'from_spmid',
  'share_source',
  'share_medium',
  'share_plat',
  'share_from',
  'share_session_id',
  'share_tag',
  'sharer_sharetime',
  'sharer_shareid',
  'isappinstalled',
  'wxshare_count',
  'vd_source',
  'unique_k',
]);

/** WeChat appends `from=timeline` and friends; `from` with other values can be meaningful, so only these go. */
const WECHAT_FROM = new Set(['timeline', 'groupmessage', 'singlemessage', 'message']);

function isTracking(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('utm_') || lower.startsWith('pk_') || lower.startsWith('mtm_')) return true;
  if (lower === 'from' && WECHAT_FROM.has(value.toLowerCase())) return true;
  return TRACKING_PARAMS.has(lower);
}

/** Parses an http(s) URL, optionally relative to a base; null for anything else. */
export function parseHttpUrl(raw: string, base?: string): URL | null {
  try {
    const url = base ? new URL(raw.trim(), base) : new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * https, lower-case host without `www.`, no default port, no fragment, no tracking parameters, remaining
 * parameters sorted, no trailing slash. Returns null when the input is not an http(s) URL.
 */
export function canonicalUrl(raw: string): string | null {
  const url = parseHttpUrl(raw);
  if (!url) return null;
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const port = url.port && url.port !== '80' && url.port !== '443' ? `:${url.port}` : '';
  const kept = [...url.searchParams.entries()].filter(([name, value]) => !isTracking(name, value));
  kept.sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
  const query = kept.length ? `?${new URLSearchParams(kept).toString()}` : '';
  let path = url.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1) path = path.replace(/\/+$/, '');
  if (path === '/') path = '';
  return `https://${host}${port}${path}${query}`;
}

/**
 * The link members see and click: the original address minus tracking parameters and fragment noise, with
 * scheme, host and path untouched (unlike the canonical key, which may not load as typed).
 */
export function withoutTracking(raw: string): string | null {
  const url = parseHttpUrl(raw);
  if (!url) return null;
  for (const [name, value] of [...url.searchParams.entries()]) {
    if (isTracking(name, value)) url.searchParams.delete(name, value);
  }
  return url.href;
}

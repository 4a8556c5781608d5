import type { ReplyField, RichReply } from '../../domain/reply.ts';
import type { Translate } from '../../i18n/translate.ts';
import { canonicalUrl } from '../clean/canonical-url.ts';
import type { ContentStores } from '../ports.ts';
import type { ContentItem } from '../types.ts';
import { formatSlot } from './render.ts';

/**
 * `/digest why <url>`: was the address ever seen, and what happened to it — dropped at ingestion (and why),
 * posted (where, when), or ranked in the recent scheduled digests (rank and score, or the reason it lost).
 */
export async function explainUrl(
  stores: ContentStores,
  communityId: string,
  url: string,
  t: Translate,
  timezone: string,
  /** The community's calibrated quality (0.5 = its median item); the stored model quality without it. */
  qualityOf?: (items: readonly ContentItem[]) => Promise<Map<string, number>>,
): Promise<RichReply> {
  const title = t('content:explain.title', { url });
  const key = canonicalUrl(url);
  const items = key ? await stores.items.findByCanonicalUrl(communityId, key) : [];
  if (items.length === 0) return { title, text: t('content:explain.notSeen'), tone: 'info', ephemeral: true };

  const when = (at: Date) => formatSlot(at, timezone);
  const runs = await stores.runs.recent(communityId, 10);
  const quality = (await qualityOf?.(items)) ?? new Map<string, number>();
  const fields: ReplyField[] = [];
  for (const item of items) {
    const source = await stores.sources.get(item.sourceId);
    const lines = [
      t('content:explain.seen', {
        source: source?.title ?? item.sourceId,
        when: when(item.fetchedAt),
        language: item.language,
        // Items dropped before scoring have no score to show.
        quality: item.embedding ? (quality.get(item.id) ?? item.quality).toFixed(2) : '—',
      }),
    ];
    if (item.dropReason === 'REMOVED_BY_MODERATOR') lines.push(t('content:explain.removed'));
    else if (item.dropReason) {
      lines.push(t('content:explain.dropped', { reason: t(`content:reason.${item.dropReason}`) }));
      const twin = item.duplicateOfId ? await stores.items.get(item.duplicateOfId) : null;
      if (twin) lines.push(t('content:explain.duplicateOf', { title: twin.title }));
    }
    for (const delivery of await stores.runs.deliveriesOf(communityId, item.id)) {
      lines.push(t('content:explain.delivered', { channel: delivery.channelId, when: when(delivery.deliveredAt) }));
    }
    let considered = 0;
    for (const run of runs) {
      const decision = run.decisions.find((d) => d.itemId === item.id);
      if (!decision || considered >= 3) continue;
      considered++;
      const score = decision.score.toFixed(3);
      lines.push(
        decision.rank !== null
          ? t('content:explain.ranked', { when: when(run.slotAt), rank: decision.rank, score })
          : t('content:explain.notPicked', {
              when: when(run.slotAt),
              score,
              reason: t(`content:reason.${decision.reason ?? 'OVER_MAX_ITEMS'}`),
            }),
      );
    }
    if (considered === 0 && !item.dropReason) lines.push(t('content:explain.notInRuns'));
    fields.push({ name: item.title || item.guid, value: lines.join('\n') });
  }
  return { title, fields, tone: 'info', ephemeral: true };
}

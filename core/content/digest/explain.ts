import type { ReplyField, RichReply } from '../../domain/reply.ts';
import { nextSlot } from '../../framework/cron-slots.ts';
import type { Translate } from '../../i18n/translate.ts';
import { canonicalUrl } from '../clean/canonical-url.ts';
import type { ContentStores } from '../ports.ts';
import type { ContentItem, DigestRun, RunDecision } from '../types.ts';
import { formatSlot } from './render.ts';

/**
 * `/digest why <url>`: was the address ever seen, and what happened to it — dropped at ingestion (and why),
 * posted (where, when), or ranked in the recent scheduled digests: picked and posted, picked but rejected, picked in
 * a slot that was skipped, awaiting approval, not picked (and why), or not yet considered. Every time is labelled
 * with its offset in the community's zone.
 */
export async function explainUrl(
  stores: ContentStores,
  communityId: string,
  url: string,
  t: Translate,
  timezone: string,
  /** The community's calibrated quality (0.5 = its median item); the stored model quality without it. */
  qualityOf?: (items: readonly ContentItem[]) => Promise<Map<string, number>>,
  clock: () => Date = () => new Date(),
  /** Whether the item is beyond the digest's candidate cap now (DigestService.capFor). */
  capOf?: (item: ContentItem) => Promise<{ cap: number; newer: number } | null>,
): Promise<RichReply> {
  const title = t('content:explain.title', { url });
  const key = canonicalUrl(url);
  const items = key ? await stores.items.findByCanonicalUrl(communityId, key) : [];
  if (items.length === 0) return { title, text: t('content:explain.notSeen'), tone: 'info', ephemeral: true };

  const when = (at: Date) => formatSlot(at, timezone);
  const runs = await stores.runs.recent(communityId, 10);
  const now = clock();
  const nextRun =
    (await stores.schedules.list(communityId))
      .filter((s) => !s.paused)
      .map((s) => nextSlot(s.cron, s.timezone, now))
      .sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
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
    const copies = (await stores.items.duplicatesOf([item.id])).filter((c) => c.sourceId !== item.sourceId);
    if (copies.length > 0) {
      const titles = await Promise.all(
        copies.map(async (c) => (await stores.sources.get(c.sourceId))?.title ?? c.sourceId),
      );
      lines.push(t('content:explain.alsoIn', { sources: [...new Set(titles)].join(', ') }));
    }
    for (const delivery of await stores.runs.deliveriesOf(communityId, item.id)) {
      lines.push(t('content:explain.delivered', { channel: delivery.channelId, when: when(delivery.deliveredAt) }));
    }
    let considered = 0;
    for (const run of runs) {
      const decision = run.decisions.find((d) => d.itemId === item.id);
      if (!decision || considered >= 3) continue;
      // A slot skipped because an earlier request is still open says little on its own: it does not use up a line.
      if (!run.error?.startsWith('APPROVAL_PENDING')) considered++;
      lines.push(runLine(t, run, decision, when));
    }
    // Not silent: an item the cap leaves out says so, whatever the runs say about it.
    const capped = await capOf?.(item);
    if (capped) lines.push(t('content:explain.capped', { cap: capped.cap, newer: capped.newer }));
    if (considered === 0 && !item.dropReason) lines.push(notYetConsidered(t, item.fetchedAt, runs, nextRun, when));
    fields.push({ name: item.title || item.guid, value: lines.join('\n') });
  }
  return { title, fields, tone: 'info', ephemeral: true };
}

/** One scheduled digest's verdict on the item: a pick means something different in a rejected or skipped run. */
function runLine(t: Translate, run: DigestRun, decision: RunDecision, when: (at: Date) => string): string {
  const params = { when: when(run.slotAt), score: decision.score.toFixed(3), id: run.id };
  if (decision.rank === null) {
    return t('content:explain.notPicked', {
      ...params,
      reason: t(`content:reason.${decision.reason ?? 'OVER_MAX_ITEMS'}`),
    });
  }
  const picked = { ...params, rank: decision.rank };
  switch (run.status) {
    case 'posted':
      return t('content:explain.pickedPosted', picked);
    case 'awaiting_approval':
      return t('content:explain.pickedAwaiting', picked);
    case 'rejected':
      return t('content:explain.pickedRejected', picked);
    case 'skipped':
      return t(
        run.error?.startsWith('APPROVAL_PENDING') ? 'content:explain.pickedPending' : 'content:explain.pickedExpired',
        {
          ...picked,
          pending: run.error?.split(':')[1] ?? '—',
        },
      );
    case 'failed':
      return t('content:explain.pickedFailed', picked);
    default:
      return t('content:explain.pickedInProgress', picked);
  }
}

function notYetConsidered(
  t: Translate,
  fetchedAt: Date,
  runs: readonly DigestRun[],
  nextRun: Date | null,
  when: (at: Date) => string,
): string {
  const last = runs[0];
  const next = nextRun ? when(nextRun) : t('content:explain.noSchedule');
  if (last && last.slotAt.getTime() < fetchedAt.getTime()) {
    return t('content:explain.arrivedAfter', { last: when(last.slotAt), next });
  }
  return t('content:explain.notInRuns', { next });
}

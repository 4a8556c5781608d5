import type { ReplyButton, ReplyItem, RichReply } from '../../domain/reply.ts';
import type { Translate } from '../../i18n/translate.ts';
import { oneLine } from '../clean/html-text.ts';
import type { RankedItem } from './rank.ts';

/** The reasons an item was picked, strongest first, in the reader's language. */
export function whyPicked(t: Translate, ranked: RankedItem): string {
  const reasons: string[] = [t('content:digest.quality', { value: ranked.parts.quality.toFixed(2) })];
  const hours = Math.floor(ranked.ageMs / 3_600_000);
  reasons.push(
    hours < 48
      ? t('content:digest.freshHours', { hours })
      : t('content:digest.freshDays', { days: Math.floor(hours / 24) }),
  );
  if (ranked.matchedTopics.length > 0)
    reasons.push(t('content:digest.matches', { topics: ranked.matchedTopics.join(t('common:listSeparator')) }));
  if (ranked.votes.up > ranked.votes.down) reasons.push(t('content:digest.liked', { up: ranked.votes.up }));
  else if (ranked.parts.feedback > 0.2) reasons.push(t('content:digest.sourceLiked'));
  return t('content:digest.why', { reasons: reasons.join(' · ') });
}

export function renderItem(t: Translate, ranked: RankedItem): ReplyItem {
  const { item, sourceTitle } = ranked.candidate;
  const summary = oneLine(item.text || item.title);
  // A member's post is titled with its own first words: its summary would only say the title again.
  const repeatsTitle = oneLine(item.title) === summary;
  return {
    title: `${ranked.rank}. ${item.title || summary}`,
    ...(item.url ? { url: item.url } : {}),
    ...(repeatsTitle ? {} : { description: summary }),
    meta: [
      sourceTitle,
      whyPicked(t, ranked),
      ...(ranked.candidate.alsoIn?.length
        ? [t('content:digest.alsoIn', { sources: ranked.candidate.alsoIn.join(t('common:listSeparator')) })]
        : []),
    ].join(' · '),
  };
}

/** Actions stay under Telegram's 64-byte callback limit: ids are ≤ 36 characters. */
export function voteButtons(t: Translate, picked: readonly RankedItem[]): ReplyButton[] {
  return picked.flatMap((ranked) => [
    {
      label: t('content:digest.voteUp', { n: ranked.rank }),
      action: `/digest vote ${ranked.candidate.item.id} up`,
      style: 'secondary' as const,
    },
    {
      label: t('content:digest.voteDown', { n: ranked.rank }),
      action: `/digest vote ${ranked.candidate.item.id} down`,
      style: 'secondary' as const,
    },
  ]);
}

export function renderDigest(
  t: Translate,
  picked: readonly RankedItem[],
  meta: { title: string; candidates: number; modelId: string },
): RichReply {
  if (picked.length === 0) return { title: meta.title, text: t('content:digest.empty'), tone: 'info' };
  return {
    title: meta.title,
    items: picked.map((ranked) => renderItem(t, ranked)),
    buttons: voteButtons(t, picked),
    footer: t('content:digest.footer', { picked: picked.length, candidates: meta.candidates, model: meta.modelId }),
    tone: 'info',
  };
}

/**
 * "2026-11-30 08:00 UTC+8": a wall-clock time in the given zone, always with its offset, so a reader never has to
 * guess whether a time is the schedule's, the community's or UTC.
 */
export function formatSlot(at: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const zone =
    get('timeZoneName')
      .replace(/^GMT(\+0)?$/, 'UTC')
      .replace(/^GMT/, 'UTC') || 'UTC';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${zone}`;
}

import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { isPastEnd, type Page, pageButtons, pageFooter, pageOption, pageRequest } from '../../framework/paging.ts';
import { communityTopics, requireKnownTopic } from '../../framework/topics.ts';
import {
  explain,
  LEADERBOARD_WINDOWS,
  type LeaderboardWindow,
  looksLikeWindow,
  parseWindow,
  windowResetsAt,
} from '../leaderboard.ts';
import { defineInteractionsCommand, formatLocalTime } from './shared.ts';

const PAGE_SIZE = 10;

/**
 * `/leaderboard [7d|30d|month|season|all] [topic]`, and `/leaderboard optout|optin` to leave or rejoin the rankings.
 * The first word is free text so `/leaderboard qiskit` works too: a word that is not a window or a switch is a topic,
 * unless it looks like a window (`1y`, `90d`): that is an error listing the valid windows. A topic the community does
 * not have is refused with the closest ones.
 */
export const leaderboardCommand = defineInteractionsCommand({
  name: 'leaderboard',
  description: {
    en: 'Most helpful members, and why; optout/optin to hide or show yourself',
    'zh-CN': '最有帮助的成员及原因；optout/optin 隐藏或显示自己',
  },
  permission: 'member',
  options: {
    window: option.string({
      description: {
        en: '7d, 30d, month, season or all (default 30d); or optout / optin',
        'zh-CN': '7d、30d、month（本月）、season（本季）或 all（默认 30d）；或 optout / optin',
      },
      maxLength: 60,
    }),
    topic: option.string({
      description: { en: 'Only this topic', 'zh-CN': '只看某个话题' },
      rest: true,
      maxLength: 60,
    }),
    page: pageOption,
  },
  slow: true,
  async handler({ input, member, community, services, clock, locale, t }) {
    const kol = services.kol;
    const first = input.window?.toLowerCase();
    if (first === 'optout' || first === 'optin') {
      await kol.setOptOut(community, member, first === 'optout', clock.now());
      return {
        text: t(first === 'optout' ? 'interactions:leaderboard.optedOut' : 'interactions:leaderboard.optedIn'),
        tone: 'success',
        ephemeral: true,
      };
    }
    const named = parseWindow(first);
    if (!named && looksLikeWindow(first)) {
      throw new UserError('LEADERBOARD_WINDOW_UNKNOWN', 'interactions:leaderboard.unknownWindow', {
        window: input.window,
        windows: LEADERBOARD_WINDOWS.join(', '),
      });
    }
    const window: LeaderboardWindow = named ?? '30d';
    const typedTopic = [named ? undefined : input.window, input.topic].filter(Boolean).join(' ').trim();
    const now = clock.now();
    const topic = typedTopic
      ? requireKnownTopic(typedTopic, [
          ...new Set([...(await communityTopics(services, community.id)), ...(await kol.topicsSeen(community, now))]),
        ])
      : '';
    const request = pageRequest(input.page, PAGE_SIZE);
    const board = await kol.leaderboard(community, window, topic, now, request.size, request.offset);
    const windowLabel = t(`interactions:leaderboard.window.${window}`);
    const title = board.topic
      ? t('interactions:leaderboard.titleTopic', { window: windowLabel, topic: board.topic })
      : t('interactions:leaderboard.title', { window: windowLabel });
    const page: Page<unknown> = {
      items: board.entries,
      page: request.page,
      size: request.size,
      offset: request.offset,
      hasPrevious: request.page > 1,
      hasNext: board.hasMore,
    };
    if (isPastEnd(page)) return { title, text: t('common:paging.pastEnd', { page: request.page }), ephemeral: true };
    if (board.entries.length === 0) return { title, text: t('interactions:leaderboard.empty') };
    const zone = community.timezone;
    const resetsAt = windowResetsAt(window, now, zone);
    return {
      title,
      items: board.entries.map((e) => ({
        title: `#${e.rank} ${e.member.displayName}`,
        description: explain(e.facts, t),
        meta: t('interactions:leaderboard.score', { score: e.score.toFixed(1) }),
      })),
      buttons: pageButtons(page, ['/leaderboard', window, board.topic].filter(Boolean).join(' '), t),
      footer: [
        pageFooter(page, t),
        t('interactions:leaderboard.footer', { time: formatLocalTime(board.computedAt, locale, zone), zone }),
        resetsAt ? t('interactions:leaderboard.resets', { time: formatLocalTime(resetsAt, locale, zone), zone }) : null,
      ]
        .filter(Boolean)
        // Chinese sentences follow each other without a space.
        .join(locale === 'zh-CN' ? '' : ' '),
    };
  },
});

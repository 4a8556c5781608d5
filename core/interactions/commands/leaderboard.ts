import { option } from '../../framework/options.ts';
import { explain, LEADERBOARD_WINDOWS, type LeaderboardWindow } from '../leaderboard.ts';
import { defineInteractionsCommand, formatLocalTime } from './shared.ts';

/**
 * `/leaderboard [7d|30d|all] [topic]`, and `/leaderboard optout|optin` to leave or rejoin the rankings.
 * The first word is free text so `/leaderboard qiskit` works too: anything that is not a window or a switch is a topic.
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
        en: '7d, 30d or all (default 30d); or optout / optin',
        'zh-CN': '7d、30d 或 all（默认 30d）；或 optout / optin',
      },
      maxLength: 60,
    }),
    topic: option.string({
      description: { en: 'Only this topic', 'zh-CN': '只看某个话题' },
      rest: true,
      maxLength: 60,
    }),
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
    const isWindow = (w: string | undefined): w is LeaderboardWindow =>
      (LEADERBOARD_WINDOWS as readonly string[]).includes(w ?? '');
    const window: LeaderboardWindow = isWindow(first) ? first : '30d';
    const topic = [isWindow(first) ? undefined : input.window, input.topic].filter(Boolean).join(' ').trim();
    const board = await kol.leaderboard(community, window, topic, clock.now(), 10);
    const windowLabel = t(`interactions:leaderboard.window.${window}`);
    const title = board.topic
      ? t('interactions:leaderboard.titleTopic', { window: windowLabel, topic: board.topic })
      : t('interactions:leaderboard.title', { window: windowLabel });
    if (board.entries.length === 0) return { title, text: t('interactions:leaderboard.empty') };
    return {
      title,
      items: board.entries.map((e) => ({
        title: `#${e.rank} ${e.member.displayName}`,
        description: explain(e.facts, t),
        meta: t('interactions:leaderboard.score', { score: e.score.toFixed(1) }),
      })),
      footer: t('interactions:leaderboard.footer', {
        time: formatLocalTime(board.computedAt, locale, community.timezone),
      }),
    };
  },
});

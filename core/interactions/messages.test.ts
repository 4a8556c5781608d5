import { describe, expect, it } from 'vitest';
import { commonMessages } from '../i18n/common.messages.ts';
import { Translator } from '../i18n/translate.ts';
import type { WhyFacts } from './leaderboard.ts';
import { explain } from './leaderboard.ts';
import { interactionsMessages } from './messages.ts';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('interactions messages', () => {
  it('has the same keys in English and Chinese', () => {
    expect(keys(interactionsMessages['zh-CN']).sort()).toEqual(keys(interactionsMessages.en).sort());
  });

  it('explains a leaderboard entry in both languages', () => {
    const translator = new Translator({ common: commonMessages, interactions: interactionsMessages });
    const facts: WhyFacts = {
      replies: 42,
      tippers: 9,
      reactions: 0,
      mentions: 1,
      shares: 0,
      posts: 3,
      quality: 80,
      activeDays: 5,
    };
    expect(explain(facts, translator.forLocale('en'))).toBe(
      '42 replies received, tipped by 9 members, mentioned 1 time',
    );
    expect(explain(facts, translator.forLocale('zh-CN'))).toBe('收到 42 条回复、获得 9 位成员打赏、被提及 1 次');
    const quiet: WhyFacts = { ...facts, replies: 0, tippers: 0, mentions: 0, quality: null, memberDays: 400 };
    expect(explain(quiet, translator.forLocale('en'))).toBe('3 posts, active on 5 days, member for 400 days');
    expect(explain(quiet, translator.forLocale('zh-CN'))).toBe('3 篇发帖、活跃 5 天、加入 400 天');
    // Acceptance by the asker leads when there is any; quick replies come before posts.
    const helper: WhyFacts = { ...quiet, accepted: 2, quickReplies: 1 };
    expect(explain(helper, translator.forLocale('en'))).toBe(
      '2 replies accepted by the members they helped, 1 reply within a day, 3 posts',
    );
    expect(explain(helper, translator.forLocale('zh-CN'))).toBe('2 条回复被提问者认可、1 条回复在一天内送达、3 篇发帖');
  });
});

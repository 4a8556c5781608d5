import { describe, expect, it } from 'vitest';
import { adapterMessages, adapterText } from './messages.ts';

describe('adapter messages', () => {
  it('has every message in English and Chinese', () => {
    expect(Object.keys(adapterMessages['zh-CN']).sort()).toEqual(Object.keys(adapterMessages.en).sort());
  });

  it('fills in parameters in the member’s language', () => {
    expect(adapterText('en', 'cannotMessagePrivately', { bot: 'cohort_bot' })).toContain('@cohort_bot, press Start');
    expect(adapterText('zh-CN', 'accessInvite', { link: 'https://t.me/+x' })).toBe(
      '🎓 你的课程权限已开通，请通过此一次性链接加入：https://t.me/+x',
    );
  });
});

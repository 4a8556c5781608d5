import { describe, expect, it } from 'vitest';
import { isTipReaction, parseKeywordTip } from './tip-gestures.ts';

describe('tip gestures', () => {
  it('reads "+N @member reason" and "@member +N reason", with platform mentions', () => {
    expect(parseKeywordTip('+1 @bob thanks for the notes')).toEqual({
      refs: ['@bob'],
      amount: 1,
      reason: 'thanks for the notes',
    });
    expect(parseKeywordTip('+3 <@U0BOB> <@!123>, great')).toEqual({
      refs: ['<@U0BOB>', '<@!123>'],
      amount: 3,
      reason: 'great',
    });
    expect(parseKeywordTip('@陈晨 +2 讲得好')).toEqual({ refs: ['@陈晨'], amount: 2, reason: '讲得好' });
    expect(parseKeywordTip('+1 @bob')).toEqual({ refs: ['@bob'], amount: 1, reason: null });
    expect(parseKeywordTip('＋3 @陈晨 太棒了')).toEqual({ refs: ['@陈晨'], amount: 3, reason: '太棒了' });
    expect(parseKeywordTip('@陈晨 ＋1')).toEqual({ refs: ['@陈晨'], amount: 1, reason: null });
  });

  it('leaves ordinary messages alone', () => {
    for (const text of ['1+1 @bob', 'see @bob +1 later', '+1', '@bob +1x', 'great +1 @bob', '+1 bob']) {
      expect(parseKeywordTip(text)).toBeNull();
    }
  });

  it('knows the clap in every spelling and skin tone, and nothing else', () => {
    for (const emoji of ['👏', '👏🏽', 'clap', ':clap:', 'clap::skin-tone-4']) expect(isTipReaction(emoji)).toBe(true);
    for (const emoji of ['tada', '🎉', '👍', 'clapper']) expect(isTipReaction(emoji)).toBe(false);
  });
});

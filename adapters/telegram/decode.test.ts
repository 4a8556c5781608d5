import { describe, expect, it } from 'vitest';
import { commandLineOf, decodeEvents, TelegramUpdate } from './decode.ts';

const message = (text: string, entities: unknown[]) => ({
  message_id: 1,
  date: 1,
  chat: { id: -1, type: 'supergroup' as const, title: 'g' },
  from: { id: 5, first_name: 'A' },
  text,
  entities: entities as never,
});

describe('Telegram decoding', () => {
  it('reads commands addressed to us or to nobody, and rewrites text mentions as ids', () => {
    expect(
      commandLineOf(message('/help@cohort_bot tip', [{ type: 'bot_command', offset: 0, length: 16 }]), 'cohort_bot'),
    ).toBe('/help tip');
    expect(
      commandLineOf(message('/help@other_bot', [{ type: 'bot_command', offset: 0, length: 15 }]), 'cohort_bot'),
    ).toBeNull();
    expect(commandLineOf(message('hello', []), 'cohort_bot')).toBeNull();
    const tip = message('/tip Bob Smith 5', [
      { type: 'bot_command', offset: 0, length: 4 },
      { type: 'text_mention', offset: 5, length: 9, user: { id: 77, first_name: 'Bob' } },
    ]);
    expect(commandLineOf(tip, 'cohort_bot')).toBe('/tip <@77> 5');
  });

  it('maps /start to /help', () => {
    expect(commandLineOf(message('/start', [{ type: 'bot_command', offset: 0, length: 6 }]), 'cohort_bot')).toBe(
      '/help',
    );
  });

  it('records @username mentions of members it has seen, and text mentions by id', () => {
    const update = TelegramUpdate.parse({
      update_id: 12,
      message: {
        ...message('hi @Bob and Carol', [
          { type: 'mention', offset: 3, length: 4 },
          { type: 'text_mention', offset: 12, length: 5, user: { id: 8, first_name: 'Carol' } },
        ]),
      },
    });
    const bob = { platformUserId: '7', handle: 'bob', displayName: 'Bob' };
    const events = decodeEvents(update, 999, (name) => (name === 'bob' ? bob : undefined));
    expect(events.map((e) => [e.verb, e.target?.platformUserId])).toEqual([
      ['message.posted', undefined],
      ['message.mentioned', '8'],
      ['message.mentioned', '7'],
    ]);
  });

  it('keeps the text or caption of a post, with the address behind linked words', () => {
    const update = TelegramUpdate.parse({
      update_id: 13,
      message: {
        ...message('大模型入门 文章', [{ type: 'text_link', offset: 6, length: 2, url: 'https://example.cn/llm' }]),
      },
    });
    const [posted] = decodeEvents(update, 999, () => undefined);
    expect(posted?.metadata).toEqual({ text: '大模型入门 文章', urls: ['https://example.cn/llm'] });
  });

  it('turns a reaction change into added and removed events with stable delivery ids', () => {
    const update = TelegramUpdate.parse({
      update_id: 9,
      message_reaction: {
        chat: { id: -1, type: 'supergroup', title: 'g' },
        message_id: 3,
        user: { id: 5, first_name: 'A' },
        date: 1,
        old_reaction: [{ type: 'emoji', emoji: '👍' }],
        new_reaction: [{ type: 'emoji', emoji: '🔥' }],
      },
    });
    const events = decodeEvents(update, 999);
    expect(events.map((e) => [e.verb, e.deliveryId])).toEqual([
      ['reaction.added', 'telegram:9:added:🔥'],
      ['reaction.removed', 'telegram:9:removed:👍'],
    ]);
    expect(decodeEvents(update, 999)).toEqual(events);
  });
});

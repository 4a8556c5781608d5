import { describe, expect, it } from 'vitest';
import { decodeGatewayEvent, parseGatewayEvent, roleFromPermissions } from './decode.ts';

const ctx = {
  botUserId: '1',
  guildName: () => 'Guild',
  lookupUser: () => undefined,
  today: '2026-11-29',
};
const user = (id: string, username: string) => ({ id, username, discriminator: '0', avatar: null });

describe('Discord gateway decoding', () => {
  it('turns a reply that mentions someone into posted, replied and mentioned events', () => {
    const event = parseGatewayEvent('MESSAGE_CREATE', {
      id: '100',
      channel_id: '9',
      guild_id: '8',
      author: user('2', 'alice'),
      mentions: [user('3', 'bob'), user('1', 'cohort'), user('2', 'alice')],
      referenced_message: { id: '99', author: user('4', 'carol') },
      message_reference: { type: 0, message_id: '99' },
    });
    expect(event).not.toBeNull();
    const envelopes = decodeGatewayEvent(event!, ctx);
    expect(envelopes.map((e) => [e.verb, e.target?.handle, e.deliveryId])).toEqual([
      ['message.posted', undefined, 'discord:100:posted'],
      ['message.replied', 'carol', 'discord:100:replied'],
      ['message.mentioned', 'bob', 'discord:100:mentioned:3'],
    ]);
    // The post names the members it mentions (not its author, not the bot), so a "+1 @bob" tip finds Bob.
    expect(envelopes[0]?.mentions?.map((u) => u.handle)).toEqual(['bob']);
  });

  it('decodes a 👏 on a message with its author as the target', () => {
    const event = parseGatewayEvent('MESSAGE_REACTION_ADD', {
      user_id: '2',
      channel_id: '9',
      message_id: '100',
      guild_id: '8',
      message_author_id: '3',
      member: { user: user('2', 'alice') },
      emoji: { id: null, name: '👏' },
    });
    const lookup = {
      ...ctx,
      lookupUser: (id: string) => (id === '3' ? { platformUserId: '3', handle: 'bob', displayName: 'bob' } : undefined),
    };
    const [reaction] = decodeGatewayEvent(event!, lookup);
    expect(reaction).toMatchObject({ verb: 'reaction.added', objectId: '100', metadata: { emoji: '👏' } });
    expect(reaction?.target?.platformUserId).toBe('3');
  });

  it('keeps what the member wrote, and the links in it, on the posted and replied events', () => {
    const event = parseGatewayEvent('MESSAGE_CREATE', {
      id: '110',
      channel_id: '9',
      guild_id: '8',
      author: user('2', 'alice'),
      content: 'Great read on RAG: https://example.com/rag?utm_source=x',
      referenced_message: { id: '99', author: user('4', 'carol') },
    });
    const [posted, replied] = decodeGatewayEvent(event!, ctx);
    expect(posted?.metadata).toEqual({
      text: 'Great read on RAG: https://example.com/rag?utm_source=x',
      urls: ['https://example.com/rag?utm_source=x'],
    });
    expect(replied?.metadata).toMatchObject({ inReplyTo: '99', text: posted?.metadata?.['text'] });
  });

  it('records a forward as a share and ignores bots and webhooks', () => {
    const forward = parseGatewayEvent('MESSAGE_CREATE', {
      id: '101',
      channel_id: '9',
      guild_id: '8',
      author: user('2', 'alice'),
      message_reference: { type: 1, message_id: '50' },
    });
    expect(decodeGatewayEvent(forward!, ctx).map((e) => e.verb)).toEqual(['message.shared']);
    const bot = parseGatewayEvent('MESSAGE_CREATE', {
      id: '102',
      channel_id: '9',
      guild_id: '8',
      author: { ...user('5', 'b'), bot: true },
    });
    expect(decodeGatewayEvent(bot!, ctx)).toEqual([]);
  });

  it('logs a member who leaves and comes back again', () => {
    const join = (joinedAt: string) =>
      decodeGatewayEvent(
        parseGatewayEvent('GUILD_MEMBER_ADD', { guild_id: '8', user: user('2', 'alice'), joined_at: joinedAt })!,
        ctx,
      )[0]?.deliveryId;
    expect(join('2026-11-01T00:00:00Z')).not.toBe(join('2026-11-20T00:00:00Z'));
    const leave = decodeGatewayEvent(
      parseGatewayEvent('GUILD_MEMBER_REMOVE', { guild_id: '8', user: user('2', 'alice') })!,
      ctx,
    );
    expect(leave[0]).toMatchObject({ verb: 'member.left', deliveryId: 'discord:8:2:left:2026-11-29' });
  });

  it('maps permissions to roles', () => {
    expect(roleFromPermissions('8', [])).toBe('admin');
    expect(roleFromPermissions(String(1n << 5n), [])).toBe('admin');
    expect(roleFromPermissions('1024', ['77'], '77')).toBe('moderator');
    expect(roleFromPermissions('1024', ['76'], '77')).toBe('member');
    expect(roleFromPermissions('not a number', [])).toBe('member');
  });
});

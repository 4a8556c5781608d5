import { z } from 'zod';
import type { CommandEnvelope, EventEnvelope, PlatformSpace, PlatformUser } from '../../core/framework/envelopes.ts';
import { messageMetadata } from '../shared/message-text.ts';

/** Only the parts of a Telegram update the adapter reads, parsed at the edge. Unknown fields pass through. */
const User = z.object({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
type TelegramUser = z.infer<typeof User>;

const Chat = z.object({
  id: z.number(),
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: z.string().optional(),
  first_name: z.string().optional(),
  username: z.string().optional(),
});
type TelegramChat = z.infer<typeof Chat>;

const Entity = z.object({
  type: z.string(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  user: User.optional(),
  /** text_link entities: the address behind the linked words. */
  url: z.string().optional(),
});

const BaseMessage = z.object({
  message_id: z.number(),
  date: z.number(),
  chat: Chat,
  from: User.optional(),
  message_thread_id: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(Entity).optional(),
  caption_entities: z.array(Entity).optional(),
  forward_origin: z.object({ type: z.string() }).passthrough().optional(),
  new_chat_members: z.array(User).optional(),
  left_chat_member: User.optional(),
});
const Message = BaseMessage.extend({ reply_to_message: BaseMessage.optional() });
export type TelegramMessageData = z.infer<typeof Message>;

const Reaction = z.object({ type: z.string(), emoji: z.string().optional(), custom_emoji_id: z.string().optional() });

export const TelegramUpdate = z.object({
  update_id: z.number(),
  message: Message.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: User,
      data: z.string().optional(),
      message: z.object({ message_id: z.number(), chat: Chat, message_thread_id: z.number().optional() }).optional(),
    })
    .optional(),
  message_reaction: z
    .object({
      chat: Chat,
      message_id: z.number(),
      user: User.optional(),
      date: z.number(),
      old_reaction: z.array(Reaction),
      new_reaction: z.array(Reaction),
    })
    .optional(),
});
export type TelegramUpdate = z.infer<typeof TelegramUpdate>;

/** Delivery ids carry the update id: Telegram re-sends an unconfirmed update with the same id. */
export function deliveryIdOf(updateId: number, suffix?: string): string {
  return suffix ? `telegram:${updateId}:${suffix}` : `telegram:${updateId}`;
}

export function toPlatformUser(user: TelegramUser): PlatformUser {
  const displayName = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return {
    platformUserId: String(user.id),
    // Users without a @username still need a unique handle: their numeric id.
    handle: user.username ?? `tg${user.id}`,
    displayName,
    locale: user.language_code ?? null,
    isBot: user.is_bot ?? false,
  };
}

export function toSpace(chat: TelegramChat): PlatformSpace {
  const name = chat.title ?? chat.first_name ?? chat.username ?? String(chat.id);
  return { platform: 'telegram', platformId: String(chat.id), name };
}

function channelOf(chat: TelegramChat, threadId?: number) {
  return threadId
    ? { platformChannelId: `${chat.id}:${threadId}`, name: chat.title ?? String(chat.id) }
    : { platformChannelId: String(chat.id), name: chat.title ?? chat.first_name ?? String(chat.id) };
}

/**
 * A message is a command when it opens with a bot_command entity addressed to us (or to nobody).
 * Returns the command line (`/digest preview`) with `@ourbot` removed and text mentions rewritten as `<@id>`,
 * so core resolves a member picked from Telegram's mention menu even when they have no @username.
 */
export function commandLineOf(message: TelegramMessageData, botUsername: string): string | null {
  const text = message.text;
  const first = message.entities?.[0];
  if (!text || !first || first.type !== 'bot_command' || first.offset !== 0) return null;
  const [command = '', addressee] = text.slice(0, first.length).split('@');
  if (addressee && addressee.toLowerCase() !== botUsername.toLowerCase()) return null;
  let rest = '';
  let cursor = first.length;
  for (const entity of message.entities ?? []) {
    if (entity.type !== 'text_mention' || !entity.user || entity.offset < cursor) continue;
    rest += text.slice(cursor, entity.offset) + `<@${entity.user.id}>`;
    cursor = entity.offset + entity.length;
  }
  rest += text.slice(cursor);
  // Telegram sends /start when someone opens the bot: show them what it can do.
  if (command.toLowerCase() === '/start') return '/help';
  return `${command}${rest}`.trim();
}

/** The text or caption, with the addresses behind `text_link` entities (shown as words, linking elsewhere). */
function telegramText(message: TelegramMessageData) {
  const entities = message.text ? (message.entities ?? []) : (message.caption_entities ?? []);
  const links = entities.flatMap((e) => (e.type === 'text_link' && e.url ? [e.url] : []));
  return messageMetadata(message.text ?? message.caption, links);
}

function mentionedUsers(message: TelegramMessageData): TelegramUser[] {
  const entities = [...(message.entities ?? []), ...(message.caption_entities ?? [])];
  return entities.flatMap((e) => (e.type === 'text_mention' && e.user ? [e.user] : []));
}

/** `@username` mentions carry no user id: the adapter resolves the ones it has seen speak. */
export function mentionedUsernames(message: TelegramMessageData): string[] {
  const text = message.text ?? message.caption ?? '';
  const entities = message.text ? (message.entities ?? []) : (message.caption_entities ?? []);
  return entities
    .filter((e) => e.type === 'mention')
    .map((e) => text.slice(e.offset + 1, e.offset + e.length).toLowerCase());
}

export function decodeCommand(
  update: TelegramUpdate,
  botUsername: string,
): (Omit<CommandEnvelope, 'user'> & { user: PlatformUser }) | null {
  const message = update.message;
  if (!message?.from) return null;
  const line = commandLineOf(message, botUsername);
  if (line === null) return null;
  return {
    space: toSpace(message.chat),
    user: toPlatformUser(message.from),
    channel: channelOf(message.chat, message.message_thread_id),
    input: { kind: 'text', line },
    deliveryId: deliveryIdOf(update.update_id),
    mentions: mentionedUsers(message).map(toPlatformUser),
  };
}

/** A button press: its callback data is a command line run as the member who pressed it. */
export function decodeCallback(update: TelegramUpdate): CommandEnvelope | null {
  const query = update.callback_query;
  if (!query?.data || !query.message) return null;
  return {
    space: toSpace(query.message.chat),
    user: toPlatformUser(query.from),
    channel: channelOf(query.message.chat, query.message.message_thread_id),
    input: { kind: 'text', line: query.data },
    deliveryId: deliveryIdOf(update.update_id),
  };
}

/** Non-command happenings of one update, each with a delivery id that is stable across re-deliveries. */
export function decodeEvents(
  update: TelegramUpdate,
  botUserId: number,
  byUsername: (username: string) => PlatformUser | undefined = () => undefined,
): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  const message = update.message;
  if (message?.from && message.chat.type !== 'private') {
    const space = toSpace(message.chat);
    const channel = channelOf(message.chat, message.message_thread_id);
    const user = toPlatformUser(message.from);
    const objectId = `${message.chat.id}:${message.message_id}`;
    const occurredAt = new Date(message.date * 1000);
    const base = { space, channel, user, objectType: 'message', objectId, occurredAt };
    if (message.new_chat_members) {
      for (const member of message.new_chat_members)
        if (member.id !== botUserId)
          events.push({
            ...base,
            user: toPlatformUser(member),
            verb: 'member.joined',
            objectType: 'member',
            objectId: String(member.id),
            deliveryId: deliveryIdOf(update.update_id, `joined:${member.id}`),
          });
      return events;
    }
    if (message.left_chat_member) {
      const member = message.left_chat_member;
      if (member.id !== botUserId)
        events.push({
          ...base,
          user: toPlatformUser(member),
          verb: 'member.left',
          objectType: 'member',
          objectId: String(member.id),
          deliveryId: deliveryIdOf(update.update_id, `left:${member.id}`),
        });
      return events;
    }
    if (message.forward_origin) {
      events.push({
        ...base,
        verb: 'message.shared',
        metadata: { origin: message.forward_origin.type },
        deliveryId: deliveryIdOf(update.update_id, 'shared'),
      });
    } else {
      events.push({
        ...base,
        verb: 'message.posted',
        metadata: telegramText(message),
        deliveryId: deliveryIdOf(update.update_id, 'posted'),
      });
    }
    const repliedTo = message.reply_to_message?.from;
    if (repliedTo && repliedTo.id !== message.from.id && !repliedTo.is_bot)
      events.push({
        ...base,
        verb: 'message.replied',
        target: toPlatformUser(repliedTo),
        metadata: { inReplyTo: `${message.chat.id}:${message.reply_to_message?.message_id}`, ...telegramText(message) },
        deliveryId: deliveryIdOf(update.update_id, 'replied'),
      });
    const targets = new Map<string, PlatformUser>();
    for (const mentioned of mentionedUsers(message)) targets.set(String(mentioned.id), toPlatformUser(mentioned));
    for (const username of mentionedUsernames(message)) {
      const known = byUsername(username);
      if (known) targets.set(known.platformUserId, known);
    }
    for (const [id, target] of targets)
      if (id !== String(message.from.id) && id !== String(botUserId))
        events.push({
          ...base,
          verb: 'message.mentioned',
          target,
          deliveryId: deliveryIdOf(update.update_id, `mentioned:${id}`),
        });
  }

  const reaction = update.message_reaction;
  if (reaction?.user) {
    const key = (r: z.infer<typeof Reaction>) => r.emoji ?? r.custom_emoji_id ?? r.type;
    const before = new Set(reaction.old_reaction.map(key));
    const after = new Set(reaction.new_reaction.map(key));
    const base = {
      space: toSpace(reaction.chat),
      channel: channelOf(reaction.chat),
      user: toPlatformUser(reaction.user),
      objectType: 'message',
      objectId: `${reaction.chat.id}:${reaction.message_id}`,
      occurredAt: new Date(reaction.date * 1000),
    };
    for (const emoji of after)
      if (!before.has(emoji))
        events.push({
          ...base,
          verb: 'reaction.added',
          metadata: { emoji },
          deliveryId: deliveryIdOf(update.update_id, `added:${emoji}`),
        });
    for (const emoji of before)
      if (!after.has(emoji))
        events.push({
          ...base,
          verb: 'reaction.removed',
          metadata: { emoji },
          deliveryId: deliveryIdOf(update.update_id, `removed:${emoji}`),
        });
  }
  return events;
}

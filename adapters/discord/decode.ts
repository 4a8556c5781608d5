import { z } from 'zod';
import type { PermissionLevel } from '../../core/domain/types.ts';
import type { CommandEnvelope, EventEnvelope, PlatformSpace, PlatformUser } from '../../core/framework/envelopes.ts';
import type { RawOptionValue } from '../../core/framework/options.ts';
import { messageMetadata } from '../shared/message-text.ts';
import type { CommandRegistration } from './register.ts';

/** Raw Discord API payloads (gateway dispatches and HTTP interactions), parsed at the edge. */
const User = z.object({
  id: z.string(),
  username: z.string(),
  global_name: z.string().nullish(),
  bot: z.boolean().optional(),
});
type DiscordUser = z.infer<typeof User>;

const Member = z.object({
  user: User.optional(),
  nick: z.string().nullish(),
  roles: z.array(z.string()).default([]),
  permissions: z.string().optional(),
});

interface OptionNode {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: OptionNode[];
}
const OptionNode: z.ZodType<OptionNode> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(OptionNode).optional(),
  }),
);

export const RawInteraction = z.object({
  id: z.string(),
  application_id: z.string(),
  type: z.number(),
  token: z.string(),
  data: z
    .object({
      name: z.string().optional(),
      options: z.array(OptionNode).optional(),
      resolved: z.object({ users: z.record(z.string(), User).optional() }).optional(),
      custom_id: z.string().optional(),
    })
    .optional(),
  guild_id: z.string().optional(),
  channel_id: z.string().optional(),
  channel: z.object({ id: z.string(), name: z.string().nullish() }).optional(),
  member: Member.optional(),
  user: User.optional(),
  locale: z.string().optional(),
});
export type RawInteraction = z.infer<typeof RawInteraction>;

export const InteractionKind = { Ping: 1, Command: 2, Component: 3 } as const;

const MessageCreate = z.object({
  id: z.string(),
  channel_id: z.string(),
  guild_id: z.string().optional(),
  author: User,
  member: Member.optional(),
  webhook_id: z.string().optional(),
  timestamp: z.string().optional(),
  /** Empty unless the bot has the Message Content intent (or is mentioned). */
  content: z.string().default(''),
  mentions: z.array(User.extend({ member: Member.optional() })).default([]),
  message_reference: z.object({ type: z.number().optional(), message_id: z.string().optional() }).optional(),
  referenced_message: z.object({ id: z.string(), author: User }).nullish(),
});
const ReactionChange = z.object({
  user_id: z.string(),
  channel_id: z.string(),
  message_id: z.string(),
  guild_id: z.string().optional(),
  member: Member.optional(),
  message_author_id: z.string().optional(),
  emoji: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
});
const MemberChange = z.object({
  guild_id: z.string(),
  user: User,
  nick: z.string().nullish(),
  joined_at: z.string().nullish(),
});

export type GatewayEvent =
  | { t: 'MESSAGE_CREATE'; d: z.infer<typeof MessageCreate> }
  | { t: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE'; d: z.infer<typeof ReactionChange> }
  | { t: 'GUILD_MEMBER_ADD' | 'GUILD_MEMBER_REMOVE'; d: z.infer<typeof MemberChange> };

/** Parses the dispatches the adapter records; anything else (or unreadable) yields null. */
export function parseGatewayEvent(t: string | null | undefined, d: unknown): GatewayEvent | null {
  const schema =
    t === 'MESSAGE_CREATE'
      ? MessageCreate
      : t === 'MESSAGE_REACTION_ADD' || t === 'MESSAGE_REACTION_REMOVE'
        ? ReactionChange
        : t === 'GUILD_MEMBER_ADD' || t === 'GUILD_MEMBER_REMOVE'
          ? MemberChange
          : null;
  if (!schema) return null;
  const parsed = schema.safeParse(d);
  return parsed.success ? ({ t, d: parsed.data } as GatewayEvent) : null;
}

const ADMINISTRATOR = 1n << 3n;
const MANAGE_GUILD = 1n << 5n;

/** Administrator or Manage Server → admin; the configured moderator role → moderator. */
export function roleFromPermissions(
  permissions: string | undefined,
  roles: readonly string[],
  moderatorRoleId?: string,
): PermissionLevel {
  let bits = 0n;
  try {
    bits = BigInt(permissions ?? '0');
  } catch {
    bits = 0n;
  }
  if ((bits & ADMINISTRATOR) !== 0n || (bits & MANAGE_GUILD) !== 0n) return 'admin';
  if (moderatorRoleId && roles.includes(moderatorRoleId)) return 'moderator';
  return 'member';
}

export function toPlatformUser(user: DiscordUser, nick?: string | null): PlatformUser {
  return {
    platformUserId: user.id,
    handle: user.username,
    displayName: nick || user.global_name || user.username,
    isBot: user.bot ?? false,
  };
}

export function deliveryIdOf(...parts: string[]): string {
  return `discord:${parts.join(':')}`;
}

export type GuildNamer = (guildId: string) => string | undefined;

function spaceOf(guildId: string | undefined, channelId: string | undefined, names: GuildNamer): PlatformSpace {
  if (!guildId) return { platform: 'discord', platformId: `dm:${channelId ?? 'unknown'}`, name: 'Direct messages' };
  return { platform: 'discord', platformId: guildId, name: names(guildId) ?? guildId };
}

/** Follows subcommand groups and subcommands down to the leaf options, as registered. */
function commandRoute(name: string, options: readonly OptionNode[] = []) {
  const words = [name];
  let leaf = options;
  const first = leaf[0];
  if (first?.type === 2) {
    words.push(first.name);
    leaf = first.options ?? [];
  }
  const sub = leaf[0];
  if (sub?.type === 1) {
    words.push(sub.name);
    leaf = sub.options ?? [];
  }
  return { key: words.join(' '), leaf };
}

export interface DecodeContext {
  registration: CommandRegistration;
  guildName: GuildNamer;
  moderatorRoleId?: string;
}

/** An application command or a button click → a command envelope; null for anything else. */
export function decodeInteraction(raw: RawInteraction, ctx: DecodeContext): CommandEnvelope | null {
  const rawUser = raw.member?.user ?? raw.user;
  if (!rawUser || !raw.data) return null;
  const user: PlatformUser = {
    ...toPlatformUser(rawUser, raw.member?.nick),
    locale: raw.locale ?? null,
    platformRole: raw.member
      ? roleFromPermissions(raw.member.permissions, raw.member.roles, ctx.moderatorRoleId)
      : 'member',
  };
  const base = {
    space: spaceOf(raw.guild_id, raw.channel_id, ctx.guildName),
    user,
    ...(raw.channel_id
      ? { channel: { platformChannelId: raw.channel_id, ...(raw.channel?.name ? { name: raw.channel.name } : {}) } }
      : {}),
    deliveryId: deliveryIdOf(raw.id),
  };
  if (raw.type === InteractionKind.Component) {
    if (!raw.data.custom_id) return null;
    return { ...base, input: { kind: 'text', line: raw.data.custom_id } };
  }
  if (raw.type !== InteractionKind.Command || !raw.data.name) return null;
  const { key, leaf } = commandRoute(raw.data.name, raw.data.options);
  const route = ctx.registration.routes.get(key);
  if (!route) return { ...base, input: { kind: 'text', line: `/${key}` } };
  const options: Record<string, RawOptionValue | undefined> = {};
  const mentions: PlatformUser[] = [];
  for (const option of leaf) {
    const ourKey = route.optionKeys[option.name] ?? option.name;
    if (option.value === undefined) continue;
    if (option.type === 6) {
      // A picked user: core resolves `<@id>`; the resolved user lets core create the member on first contact.
      const id = String(option.value);
      options[ourKey] = `<@${id}>`;
      const resolved = raw.data.resolved?.users?.[id];
      if (resolved) mentions.push(toPlatformUser(resolved));
    } else options[ourKey] = option.value;
  }
  return { ...base, input: { kind: 'structured', path: route.path, options }, mentions };
}

/** Gateway dispatches → interaction-log events with delivery ids that survive a gateway replay. */
export function decodeGatewayEvent(
  event: GatewayEvent,
  ctx: {
    botUserId: string;
    guildName: GuildNamer;
    lookupUser: (id: string) => PlatformUser | undefined;
    /** Day stamp for leaves, which carry no timestamp: a gateway replay the same day is logged once. */
    today: string;
  },
): EventEnvelope[] {
  switch (event.t) {
    case 'MESSAGE_CREATE': {
      const m = event.d;
      if (!m.guild_id || m.author.bot || m.webhook_id) return [];
      const user = toPlatformUser(m.author, m.member?.nick);
      const base = {
        space: spaceOf(m.guild_id, m.channel_id, ctx.guildName),
        channel: { platformChannelId: m.channel_id },
        user,
        objectType: 'message',
        objectId: m.id,
        ...(m.timestamp ? { occurredAt: new Date(m.timestamp) } : {}),
      };
      // message_reference type 1 is a forward.
      const forwarded = m.message_reference?.type === 1;
      // Known as members before listeners read the post ("+1 <@123>" tips someone who may not have spoken yet).
      const mentions = m.mentions
        .filter((u) => u.id !== m.author.id && !u.bot && u.id !== ctx.botUserId)
        .slice(0, 20)
        .map((u) => toPlatformUser(u, u.member?.nick));
      const events: EventEnvelope[] = [
        {
          ...base,
          verb: forwarded ? 'message.shared' : 'message.posted',
          metadata: {
            ...messageMetadata(m.content),
            ...(forwarded && m.message_reference?.message_id ? { original: m.message_reference.message_id } : {}),
          },
          deliveryId: deliveryIdOf(m.id, forwarded ? 'shared' : 'posted'),
          ...(mentions.length > 0 ? { mentions } : {}),
        },
      ];
      const parent = m.referenced_message;
      if (!forwarded && parent && parent.author.id !== m.author.id && !parent.author.bot)
        events.push({
          ...base,
          verb: 'message.replied',
          target: toPlatformUser(parent.author),
          metadata: { inReplyTo: parent.id, ...messageMetadata(m.content) },
          deliveryId: deliveryIdOf(m.id, 'replied'),
        });
      for (const mentioned of m.mentions) {
        if (mentioned.id === m.author.id || mentioned.bot || mentioned.id === ctx.botUserId) continue;
        events.push({
          ...base,
          verb: 'message.mentioned',
          target: toPlatformUser(mentioned, mentioned.member?.nick),
          deliveryId: deliveryIdOf(m.id, 'mentioned', mentioned.id),
        });
      }
      return events;
    }
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE': {
      const r = event.d;
      if (!r.guild_id || r.user_id === ctx.botUserId) return [];
      const user = r.member?.user ? toPlatformUser(r.member.user, r.member.nick) : ctx.lookupUser(r.user_id);
      if (!user || user.isBot) return [];
      const authorId = r.message_author_id;
      const target = authorId && authorId !== r.user_id ? ctx.lookupUser(authorId) : undefined;
      const emoji = r.emoji.id ?? r.emoji.name ?? '?';
      const added = event.t === 'MESSAGE_REACTION_ADD';
      return [
        {
          space: spaceOf(r.guild_id, r.channel_id, ctx.guildName),
          channel: { platformChannelId: r.channel_id },
          user,
          verb: added ? 'reaction.added' : 'reaction.removed',
          objectType: 'message',
          objectId: r.message_id,
          ...(target ? { target } : {}),
          metadata: { emoji },
          // The gateway carries no event id; one reaction per member, message and emoji is what counts.
          deliveryId: deliveryIdOf(r.message_id, r.user_id, emoji, added ? 'added' : 'removed'),
        },
      ];
    }
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_REMOVE': {
      const m = event.d;
      if (m.user.bot) return [];
      const joined = event.t === 'GUILD_MEMBER_ADD';
      return [
        {
          space: spaceOf(m.guild_id, undefined, ctx.guildName),
          user: toPlatformUser(m.user, m.nick),
          verb: joined ? 'member.joined' : 'member.left',
          objectType: 'member',
          objectId: m.user.id,
          // Joins carry their time, so a member who leaves and comes back is logged again.
          deliveryId: joined
            ? deliveryIdOf(m.guild_id, m.user.id, 'joined', m.joined_at ?? ctx.today)
            : deliveryIdOf(m.guild_id, m.user.id, 'left', ctx.today),
        },
      ];
    }
  }
}

import { z } from 'zod';
import type { CommandEnvelope, EventEnvelope, PlatformSpace, PlatformUser } from '../../core/framework/envelopes.ts';
import { messageMetadata } from '../shared/message-text.ts';

/** The parts of Slack payloads the adapter reads, parsed at the edge. */
export const SlashCommandPayload = z.object({
  command: z.string().startsWith('/'),
  text: z.string().default(''),
  team_id: z.string(),
  team_domain: z.string().optional(),
  channel_id: z.string(),
  channel_name: z.string().optional(),
  user_id: z.string(),
  user_name: z.string().optional(),
  trigger_id: z.string(),
  response_url: z.string().optional(),
});

export const BlockActionPayload = z.object({
  type: z.literal('block_actions'),
  trigger_id: z.string().optional(),
  user: z.object({ id: z.string(), username: z.string().optional(), name: z.string().optional() }),
  team: z.object({ id: z.string(), domain: z.string().optional() }).nullable(),
  channel: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  /** Present on a click in a message (not in a modal): where the answer goes, and what a resumed click answers. */
  response_url: z.string().url().optional(),
  actions: z.array(
    z.object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string(), type: z.string() }),
  ),
});

const MessageEvent = z.object({
  type: z.literal('message'),
  subtype: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().optional(),
  ts: z.string(),
  channel: z.string(),
  thread_ts: z.string().optional(),
  parent_user_id: z.string().optional(),
  attachments: z
    .array(z.object({ is_share: z.boolean().optional(), is_msg_unfurl: z.boolean().optional() }))
    .optional(),
});
const ReactionEvent = z.object({
  type: z.enum(['reaction_added', 'reaction_removed']),
  user: z.string(),
  reaction: z.string(),
  item_user: z.string().optional(),
  item: z.object({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
  event_ts: z.string(),
});
const MembershipEvent = z.object({
  type: z.enum(['member_joined_channel', 'member_left_channel']),
  user: z.string(),
  channel: z.string(),
  event_ts: z.string().optional(),
});
export const SlackEvent = z.discriminatedUnion('type', [MessageEvent, ReactionEvent, MembershipEvent]);
export type SlackEvent = z.infer<typeof SlackEvent>;

export const EventCallback = z.object({ team_id: z.string(), event_id: z.string(), event_time: z.number().optional() });

/** Identity looked up through users.info; events carry only user ids. */
export type UserLookup = (userId: string) => Promise<PlatformUser>;

export function deliveryIdOf(id: string, suffix?: string): string {
  return suffix ? `slack:${id}:${suffix}` : `slack:${id}`;
}

const MENTION = /<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g;

/** Users written as `<@U123|name>` in a line (Slack escapes mentions in slash commands when asked to). */
export function mentionsIn(text: string): Array<{ id: string; name?: string }> {
  return [...text.matchAll(MENTION)].map((m) => ({ id: m[1] ?? '', ...(m[2] ? { name: m[2] } : {}) }));
}

export function space(teamId: string, domain?: string): PlatformSpace {
  return { platform: 'slack', platformId: teamId, name: domain ?? teamId };
}

/**
 * A slash command becomes a text command line. The umbrella command (`/cohort tip @bob 5`) passes its text
 * through; any other registered slash command names the command itself (`/digest preview`).
 */
export function slashCommandLine(command: string, text: string, umbrella: string): string {
  return command === umbrella ? `/${text.trim()}` : `${command} ${text}`.trim();
}

export function decodeSlashCommand(
  payload: z.infer<typeof SlashCommandPayload>,
  user: PlatformUser,
  umbrella: string,
): CommandEnvelope {
  const line = slashCommandLine(payload.command, payload.text, umbrella);
  return {
    space: space(payload.team_id, payload.team_domain),
    user,
    channel: { platformChannelId: payload.channel_id, ...(payload.channel_name ? { name: payload.channel_name } : {}) },
    input: { kind: 'text', line },
    deliveryId: deliveryIdOf(payload.trigger_id),
    mentions: mentionsIn(payload.text).map((m) => ({
      platformUserId: m.id,
      handle: m.name ?? m.id.toLowerCase(),
      displayName: m.name ?? m.id,
    })),
  };
}

export function decodeBlockAction(
  payload: z.infer<typeof BlockActionPayload>,
  user: PlatformUser,
): CommandEnvelope | null {
  const action = payload.actions[0];
  if (!action?.value || !payload.team) return null;
  return {
    space: space(payload.team.id, payload.team.domain),
    user,
    ...(payload.channel ? { channel: { platformChannelId: payload.channel.id, name: payload.channel.name } } : {}),
    input: { kind: 'text', line: action.value },
    // action_ts is unique per click and repeated when Slack retries the same click.
    deliveryId: deliveryIdOf(`${payload.user.id}:${action.action_ts}`),
  };
}

/** Slack mrkdwn → plain text: `<https://x|label>` becomes the link, `<@U1>` stays a mention id. */
function slackText(raw: string | undefined) {
  const urls: string[] = [];
  const text = (raw ?? '').replace(/<(https?:\/\/[^|>]+)(?:\|([^>]*))?>/g, (_, url: string, label?: string) => {
    urls.push(url);
    return label ? `${label} ${url}` : url;
  });
  return messageMetadata(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'), urls);
}

/** Non-command happenings, each with a delivery id derived from the event id (Slack retries keep it). */
export async function decodeEvent(
  event: SlackEvent,
  envelope: z.infer<typeof EventCallback>,
  lookup: UserLookup,
  botUserId: string | undefined,
): Promise<EventEnvelope[]> {
  const where = space(envelope.team_id);
  const occurredAt = envelope.event_time ? new Date(envelope.event_time * 1000) : undefined;
  const id = envelope.event_id;
  switch (event.type) {
    case 'message': {
      const ignored = ['bot_message', 'message_changed', 'message_deleted', 'channel_join', 'channel_leave'];
      if (!event.user || event.bot_id || (event.subtype && ignored.includes(event.subtype))) return [];
      if (event.user === botUserId) return [];
      const user = await lookup(event.user);
      const base = {
        space: where,
        user,
        channel: { platformChannelId: event.channel },
        objectType: 'message',
        objectId: `${event.channel}:${event.ts}`,
        ...(occurredAt ? { occurredAt } : {}),
      };
      const events: EventEnvelope[] = [];
      const shared = event.attachments?.some((a) => a.is_share || a.is_msg_unfurl);
      const others = [...new Set(mentionsIn(event.text ?? '').map((m) => m.id))].filter(
        (m) => m !== event.user && m !== botUserId,
      );
      events.push({
        ...base,
        verb: shared ? 'message.shared' : 'message.posted',
        metadata: slackText(event.text),
        deliveryId: deliveryIdOf(id, shared ? 'shared' : 'posted'),
        // Known as members before listeners read the post ("+1 <@U2>" tips someone who may not have spoken yet).
        ...(others.length > 0 ? { mentions: await Promise.all(others.slice(0, 20).map((m) => lookup(m))) } : {}),
      });
      if (
        event.thread_ts &&
        event.thread_ts !== event.ts &&
        event.parent_user_id &&
        event.parent_user_id !== event.user
      )
        events.push({
          ...base,
          verb: 'message.replied',
          target: await lookup(event.parent_user_id),
          metadata: { inReplyTo: `${event.channel}:${event.thread_ts}`, ...slackText(event.text) },
          deliveryId: deliveryIdOf(id, 'replied'),
        });
      const seen = new Set<string>();
      for (const mention of mentionsIn(event.text ?? '')) {
        if (mention.id === event.user || mention.id === botUserId || seen.has(mention.id)) continue;
        seen.add(mention.id);
        events.push({
          ...base,
          verb: 'message.mentioned',
          target: await lookup(mention.id),
          deliveryId: deliveryIdOf(id, `mentioned:${mention.id}`),
        });
      }
      return events;
    }
    case 'reaction_added':
    case 'reaction_removed': {
      if (event.item.type !== 'message' || !event.item.channel || !event.item.ts) return [];
      const target = event.item_user && event.item_user !== event.user ? await lookup(event.item_user) : undefined;
      return [
        {
          space: where,
          user: await lookup(event.user),
          channel: { platformChannelId: event.item.channel },
          verb: event.type === 'reaction_added' ? 'reaction.added' : 'reaction.removed',
          objectType: 'message',
          objectId: `${event.item.channel}:${event.item.ts}`,
          ...(target ? { target } : {}),
          metadata: { emoji: event.reaction },
          ...(occurredAt ? { occurredAt } : {}),
          deliveryId: deliveryIdOf(id),
        },
      ];
    }
    case 'member_joined_channel':
    case 'member_left_channel': {
      if (event.user === botUserId) return [];
      return [
        {
          space: where,
          user: await lookup(event.user),
          channel: { platformChannelId: event.channel },
          verb: event.type === 'member_joined_channel' ? 'member.joined' : 'member.left',
          objectType: 'channel',
          objectId: event.channel,
          ...(occurredAt ? { occurredAt } : {}),
          deliveryId: deliveryIdOf(id),
        },
      ];
    }
  }
}

import type { Channel } from '../../domain/types.ts';
import { UserError } from '../../errors.ts';
import { commandsFor } from '../../framework/command.ts';
import type { ContentService } from '../service.ts';

/** The content feature's handles, as its commands see them in `ctx.services`. */
export interface ContentHandles {
  content: ContentService;
}

/** defineCommand for the content feature's commands: `services.content` is typed. */
export const defineContentCommand = commandsFor<ContentHandles>();

/** "ai, design 产品" → ['ai', 'design', '产品']; "any" / "-" / "*" mean no topic filter. */
export function parseTopics(raw: string | undefined): string[] {
  if (!raw) return [];
  const words = raw
    .split(/[,，、\s]+/u)
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  if (words.length === 1 && ['any', '-', '*', '全部', '不限'].includes(words[0] as string)) return [];
  return [...new Set(words)].slice(0, 10).map((w) => w.slice(0, 40));
}

/** Digests post to a channel: commands that schedule or vote need one. */
export function requireChannel(channel: Channel | null): Channel {
  if (!channel) throw new UserError('CHANNEL_REQUIRED', 'content:errors.channelRequired');
  return channel;
}

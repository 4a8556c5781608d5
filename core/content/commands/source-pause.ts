import { option } from '../../framework/options.ts';
import { defineContentCommand } from './shared.ts';

const d = (en: string, zh: string) => ({ en, 'zh-CN': zh });

const sourceId = {
  id: option.string({
    description: d('Source id (see /source list)', '内容源 id（见 /source list）'),
    required: true,
    maxLength: 64,
  }),
};

/** A moderator stops a feed being checked (a noisy or broken site) without losing its items and settings. */
export const sourcePauseCommand = defineContentCommand({
  name: 'source pause',
  description: d('Stop checking a feed until you resume it', '暂停检查一个订阅源，直到你恢复它'),
  permission: 'moderator',
  options: sourceId,
  async handler({ input, community, services, t }) {
    const source = await services.content.sources.pause(community.id, input.id);
    return { tone: 'success', text: t('content:source.paused', { id: source.id }) };
  },
});

/** Checks a paused feed again, or one switched off after failing, once its site works again. */
export const sourceResumeCommand = defineContentCommand({
  name: 'source resume',
  description: d('Check a paused or switched-off feed again', '恢复检查一个已暂停或已停用的订阅源'),
  permission: 'moderator',
  options: sourceId,
  async handler({ input, community, services, t }) {
    const { source, changed } = await services.content.sources.resume(community.id, input.id);
    if (!changed) return { tone: 'info', ephemeral: true, text: t('content:source.alreadyRunning', { id: source.id }) };
    return {
      tone: 'success',
      text: t('content:source.resumed', { id: source.id, minutes: Math.round(source.intervalMs / 60_000) }),
    };
  },
});

export const sourcePauseCommands = [sourcePauseCommand, sourceResumeCommand];

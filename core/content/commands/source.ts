import type { ReplyItem } from '../../domain/reply.ts';
import { option } from '../../framework/options.ts';
import type { Translate } from '../../i18n/translate.ts';
import { formatSlot } from '../digest/render.ts';
import { type ContentSource, SOURCE_PAUSED } from '../types.ts';
import { defineContentCommand, parseTopics } from './shared.ts';
import { deliveryText } from './source-settings.ts';

const d = (en: string, zh: string) => ({ en, 'zh-CN': zh });

export const sourceAddCommand = defineContentCommand({
  name: 'source add',
  description: d(
    'Follow a feed (RSS, Atom or JSON Feed) for digests',
    '订阅一个内容源（RSS、Atom 或 JSON Feed）用于精选',
  ),
  permission: 'moderator',
  slow: true,
  options: {
    url: option.url({ description: d('Feed address', '订阅源地址'), required: true }),
    topics: option.string({
      description: d('Topics, comma separated: product,data', '主题，用逗号分隔：product,data'),
      maxLength: 300,
    }),
    interval: option.duration({
      description: d('How often to check it: 2h (5m–1d, default 30m)', '检查间隔：2h（5m–1d，默认 30m）'),
      min: 5 * 60_000,
      max: 86_400_000,
    }),
    filter: option.string({
      description: d(
        'Keep only matching items, e.g. filter:"title:AI OR /llm/i" (see /help source filter set)',
        '只保留匹配的条目，例如 filter:"title:AI OR /llm/i"（见 /help source filter set）',
      ),
      named: true,
      maxLength: 500,
    }),
  },
  async handler({ input, community, channel, member, services, t }) {
    const result = await services.content.sources.add({
      community,
      url: input.url,
      topics: parseTopics(input.topics),
      ...(input.interval ? { intervalMs: input.interval } : {}),
      noticeChannelId: channel?.platformChannelId ?? null,
      createdById: member.id,
      filter: input.filter ?? null,
    });
    if (!result.ok) {
      return {
        tone: 'error',
        text: t('content:source.testFailed', { reason: t(`content:feedError.${result.code}`, result.params) }),
      };
    }
    const filtered = result.source.filter
      ? await services.content.sources.testFilter(community.id, result.source.id, null)
      : null;
    return {
      tone: 'success',
      title: t('content:source.added'),
      text: t('content:source.addedText', {
        title: result.source.title,
        format: result.probe.document.format,
        count: result.probe.document.items.length,
        minutes: Math.round(result.source.intervalMs / 60_000),
      }),
      ...(filtered
        ? {
            fields: [
              {
                name: t('content:filter.heading'),
                value: t('content:filter.addedText', {
                  expression: filtered.expression,
                  kept: filtered.kept.length,
                  total: filtered.kept.length + filtered.dropped.length,
                }),
              },
            ],
          }
        : {}),
      footer: `id ${result.source.id}`,
    };
  },
});

function sourceStatus(t: Translate, source: ContentSource): string {
  const reason = (code: string | null) => t(`content:feedError.${code ?? 'FEED_NETWORK'}`, {});
  if (!source.enabled && source.disabledReason === SOURCE_PAUSED) return t('content:source.statusPaused');
  if (!source.enabled) return t('content:source.statusDisabled', { reason: reason(source.disabledReason) });
  if (source.consecutiveFailures > 0) {
    return t('content:source.statusFailing', {
      failures: source.consecutiveFailures,
      reason: reason(source.lastError),
    });
  }
  return t('content:source.statusOk');
}

export const sourceListCommand = defineContentCommand({
  name: 'source list',
  description: d("List this community's content sources", '列出本社区的内容源'),
  permission: 'moderator',
  options: {},
  async handler({ community, services, t }) {
    const sources = await services.content.sources.list(community.id);
    if (sources.length === 0) return { text: t('content:source.listEmpty'), ephemeral: true };
    const items: ReplyItem[] = sources.map((source) => ({
      title:
        source.kind === 'feed'
          ? source.title
          : t(source.kind === 'community' ? 'content:source.builtinCommunity' : 'content:source.builtinCourses'),
      ...(source.kind === 'feed' ? { url: source.url } : {}),
      description: `${sourceStatus(t, source)} · ${
        source.lastFetchedAt
          ? t('content:source.lastFetched', { when: formatSlot(source.lastFetchedAt, community.timezone) })
          : t('content:source.never')
      }`,
      meta: [
        `id ${source.id}`,
        ...(source.topics.length ? [source.topics.join(', ')] : []),
        ...(source.filter ? [t('content:filter.short', { expression: source.filter })] : []),
        ...(source.delivery !== 'digest' ? [deliveryText(t, source)] : []),
        ...(source.template ? [t('content:template.short')] : []),
      ].join(' · '),
    }));
    return { title: t('content:source.listTitle'), items, ephemeral: true };
  },
});

export const sourceRemoveCommand = defineContentCommand({
  name: 'source remove',
  description: d('Stop following a content source', '停止订阅一个内容源'),
  permission: 'moderator',
  options: {
    id: option.string({
      description: d('Source id (see /source list)', '内容源 id（见 /source list）'),
      required: true,
      maxLength: 64,
    }),
  },
  async handler({ input, community, services, t }) {
    await services.content.sources.remove(community.id, input.id);
    return { tone: 'success', text: t('content:source.removed', { id: input.id }) };
  },
});

export const sourceTestCommand = defineContentCommand({
  name: 'source test',
  description: d('Check that a feed can be read, without adding it', '检查订阅源能否读取（不添加）'),
  permission: 'moderator',
  slow: true,
  options: {
    url: option.url({ description: d('Feed address', '订阅源地址'), required: true }),
  },
  async handler({ input, services, t }) {
    const probe = await services.content.sources.test(input.url);
    if (!probe.ok) {
      return {
        tone: 'error',
        ephemeral: true,
        text: t('content:source.testFailed', { reason: t(`content:feedError.${probe.code}`, probe.params) }),
      };
    }
    return {
      tone: 'success',
      ephemeral: true,
      title: t('content:source.testOk', { title: probe.document.title || input.url }),
      text: t('content:source.testText', {
        format: probe.document.format,
        count: probe.document.items.length,
        languages: probe.languages.join(', ') || '—',
      }),
      items: probe.document.items
        .slice(0, 5)
        .map((item) => ({ title: item.title || item.url || '—', ...(item.url ? { url: item.url } : {}) })),
    };
  },
});

export const sourceCommands = [sourceAddCommand, sourceListCommand, sourceRemoveCommand, sourceTestCommand];

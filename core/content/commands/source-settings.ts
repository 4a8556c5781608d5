import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import type { Translate } from '../../i18n/translate.ts';
import { parseTemplate, renderInstantPost, TEMPLATE_PLACEHOLDERS } from '../delivery/template.ts';
import { formatSlot } from '../digest/render.ts';
import type { ContentItem, ContentSource } from '../types.ts';
import { SOURCE_DELIVERIES } from '../types.ts';
import { defineContentCommand } from './shared.ts';

const d = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const sourceId = () =>
  option.string({
    description: d('Source id (see /source list)', '内容源 id（见 /source list）'),
    required: true,
    maxLength: 64,
  });

/** `<#123>` (a Discord mention), `#general` or a bare id: the platform channel id. */
export function parseChannel(raw: string): string {
  const text = raw.trim();
  const mention = /^<#(\w+)>$/.exec(text);
  const id = mention?.[1] ?? text.replace(/^#/, '');
  if (!/^[\w.:-]{1,100}$/u.test(id))
    throw new UserError('CHANNEL_INVALID', 'content:delivery.badChannel', { channel: raw });
  return id;
}

export const sourceFilterSetCommand = defineContentCommand({
  name: 'source filter set',
  description: d(
    'Keep only matching items: title:AI OR /gpt-?\\d/i AND NOT author:bot',
    '只保留匹配的条目：title:AI OR /gpt-?\\d/i AND NOT author:bot',
  ),
  permission: 'moderator',
  options: {
    id: sourceId(),
    expression: option.string({
      description: d(
        'Keywords, "phrases", /regex/i on title, body, author, category, link; AND OR NOT ( )',
        '关键词、"短语"、/正则/i，字段 title body author category link；AND OR NOT ( )',
      ),
      required: true,
      rest: true,
      keepQuotes: true,
      maxLength: 500,
    }),
  },
  async handler({ input, community, services, t }) {
    const source = await services.content.sources.setFilter(community.id, input.id, input.expression);
    const test = await services.content.sources.testFilter(community.id, source.id, null);
    return {
      tone: 'success',
      title: t('content:filter.set', { title: source.title }),
      text: t('content:filter.setText', {
        expression: source.filter ?? '',
        kept: test.kept.length,
        total: test.kept.length + test.dropped.length,
      }),
      footer: `id ${source.id}`,
    };
  },
});

export const sourceFilterTestCommand = defineContentCommand({
  name: 'source filter test',
  description: d(
    "Show what a filter keeps of the source's last 50 items (nothing is changed)",
    '显示过滤器会从该源最近 50 条中保留哪些（不做任何更改）',
  ),
  permission: 'moderator',
  options: {
    id: sourceId(),
    expression: option.string({
      description: d('The filter to try (default: the current one)', '要试用的过滤器（默认：当前的）'),
      rest: true,
      keepQuotes: true,
      maxLength: 500,
    }),
  },
  async handler({ input, community, services, t }) {
    const result = await services.content.sources.testFilter(community.id, input.id, input.expression ?? null);
    const total = result.kept.length + result.dropped.length;
    return {
      ephemeral: true,
      tone: 'info',
      title: t('content:filter.testTitle', { title: result.source.title }),
      text: result.expression
        ? t('content:filter.testText', { expression: result.expression, kept: result.kept.length, total })
        : t('content:filter.testNone', { total }),
      fields: [
        {
          name: t('content:filter.keptHeading', { count: result.kept.length }),
          value: lines(result.kept, t),
        },
        ...(result.dropped.length > 0
          ? [
              {
                name: t('content:filter.droppedHeading', { count: result.dropped.length }),
                value: lines(result.dropped, t),
              },
            ]
          : []),
      ],
    };
  },
});

function lines(items: readonly ContentItem[], t: Translate): string {
  if (items.length === 0) return t('content:filter.noneListed');
  const shown = items.slice(0, 10).map((item) => `• ${(item.title || item.url || item.guid).slice(0, 100)}`);
  if (items.length > 10) shown.push(t('content:filter.more', { count: items.length - 10 }));
  return shown.join('\n');
}

export const sourceFilterClearCommand = defineContentCommand({
  name: 'source filter clear',
  description: d('Remove the filter: keep every item of the source', '移除过滤器：保留该源的所有条目'),
  permission: 'moderator',
  options: { id: sourceId() },
  async handler({ input, community, services, t }) {
    const source = await services.content.sources.setFilter(community.id, input.id, null);
    return { tone: 'success', text: t('content:filter.cleared', { title: source.title }) };
  },
});

export const sourceDeliveryCommand = defineContentCommand({
  name: 'source delivery',
  description: d(
    'Send items to digests, instantly one by one, or both; pick the channel and thread',
    '条目进入精选、逐条即时发布或两者兼有；可指定频道与帖子/话题',
  ),
  permission: 'moderator',
  options: {
    id: sourceId(),
    mode: option.choice({
      description: d('digest, instant or both', 'digest、instant 或 both'),
      choices: SOURCE_DELIVERIES,
      required: true,
    }),
    channel: option.string({
      description: d('Channel for instant posts (default: this one)', '即时发布的频道（默认：当前频道）'),
      maxLength: 120,
    }),
    thread: option.string({
      description: d(
        'A thread id to post in, `new` for a forum post per item, `none` for the channel itself',
        '要发布到的帖子/话题 id；`new` 为每条新建论坛帖；`none` 直接发在频道',
      ),
      maxLength: 100,
    }),
  },
  async handler({ input, community, channel, services, t }) {
    const target = input.channel ? parseChannel(input.channel) : (channel?.platformChannelId ?? null);
    const thread = input.thread === undefined ? undefined : input.thread === 'none' ? null : parseChannel(input.thread);
    const source = await services.content.sources.setDelivery(community.id, input.id, {
      delivery: input.mode,
      ...(input.mode !== 'digest' && target ? { channelId: target } : {}),
      ...(thread !== undefined ? { threadId: thread } : {}),
    });
    return { tone: 'success', text: deliveryText(t, source), footer: `id ${source.id}` };
  },
});

export function deliveryText(t: Translate, source: ContentSource): string {
  const channel = source.channelId ?? source.noticeChannelId ?? '—';
  const where =
    source.threadId === 'new'
      ? t('content:delivery.whereForum', { channel })
      : source.threadId
        ? t('content:delivery.whereThread', { channel, thread: source.threadId })
        : t('content:delivery.whereChannel', { channel });
  return t(`content:delivery.mode.${source.delivery}`, { title: source.title, where });
}

export const sourceTemplateSetCommand = defineContentCommand({
  name: 'source template set',
  description: d(
    'Message template of instant posts: {{title}} {{link}} {{summary}} {{author}} {{date}} {{source}}',
    '即时发布的消息模板：{{title}} {{link}} {{summary}} {{author}} {{date}} {{source}}',
  ),
  permission: 'moderator',
  options: {
    id: sourceId(),
    template: option.string({
      description: d('Text with placeholders; \\n starts a new line', '含占位符的文本；\\n 表示换行'),
      required: true,
      rest: true,
      maxLength: 1_000,
    }),
  },
  async handler({ input, community, services, t }) {
    const source = await services.content.sources.setTemplate(community.id, input.id, parseTemplate(input.template));
    const preview = await previewOf(services.content, community, source, source.template, t);
    return {
      ...preview,
      ephemeral: false,
      tone: 'success',
      title: t('content:template.set', { title: source.title }),
    };
  },
});

export const sourceTemplatePreviewCommand = defineContentCommand({
  name: 'source template preview',
  description: d(
    "Preview an instant post of the source's latest item (with a template to try, or the current one)",
    '用该源最新一条预览即时发布效果（可附上要试用的模板，否则用当前模板）',
  ),
  permission: 'moderator',
  options: {
    id: sourceId(),
    template: option.string({
      description: d('A template to try (default: the current one)', '要试用的模板（默认：当前模板）'),
      rest: true,
      maxLength: 1_000,
    }),
  },
  async handler({ input, community, services, t }) {
    const source = await services.content.sources.own(community.id, input.id);
    const template = input.template ? parseTemplate(input.template) : source.template;
    return previewOf(services.content, community, source, template, t);
  },
});

async function previewOf(
  content: import('../service.ts').ContentService,
  community: import('../../domain/types.ts').Community,
  source: ContentSource,
  template: string | null,
  t: Translate,
) {
  const [item] = await content.stores.items.latestOfSource(source.id, 1);
  if (!item)
    return { ephemeral: true, tone: 'info' as const, text: t('content:template.noItem', { title: source.title }) };
  const locale = community.locale ?? (item.language === 'zh' ? 'zh-CN' : 'en');
  const post = renderInstantPost(t, template, {
    item,
    sourceTitle: source.title,
    timezone: community.timezone,
    locale,
  });
  return {
    ...post,
    ephemeral: true,
    title: t('content:template.previewTitle', { title: source.title }),
    footer: template
      ? t('content:template.footerCustom', { placeholders: TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ') })
      : t('content:template.footerDefault'),
  };
}

export const sourceTemplateClearCommand = defineContentCommand({
  name: 'source template clear',
  description: d('Go back to the default layout of instant posts', '恢复即时发布的默认样式'),
  permission: 'moderator',
  options: { id: sourceId() },
  async handler({ input, community, services, t }) {
    const source = await services.content.sources.setTemplate(community.id, input.id, null);
    return { tone: 'success', text: t('content:template.cleared', { title: source.title }) };
  },
});

export const sourceFailuresCommand = defineContentCommand({
  name: 'source failures',
  description: d("A source's recent failures, newest first", '内容源最近的失败记录（最新在前）'),
  permission: 'moderator',
  options: { id: sourceId() },
  async handler({ input, community, services, t }) {
    const source = await services.content.sources.own(community.id, input.id);
    if (source.failures.length === 0)
      return { ephemeral: true, tone: 'success', text: t('content:failures.none', { title: source.title }) };
    return {
      ephemeral: true,
      tone: source.enabled ? 'warning' : 'error',
      title: t('content:failures.title', { title: source.title, count: source.failures.length }),
      text: source.enabled
        ? t('content:failures.state', { failures: source.consecutiveFailures })
        : t('content:source.statusDisabled', {
            reason: t(`content:feedError.${source.disabledReason ?? 'FEED_NETWORK'}`, {}),
          }),
      items: source.failures.map((f) => ({
        title: formatSlot(f.at, community.timezone),
        description: t(`content:feedError.${f.code}`, { status: '', detail: '', host: '', ...f.params }),
        meta: f.code,
      })),
    };
  },
});

export const sourceSettingsCommands = [
  sourceFilterSetCommand,
  sourceFilterTestCommand,
  sourceFilterClearCommand,
  sourceDeliveryCommand,
  sourceTemplateSetCommand,
  sourceTemplatePreviewCommand,
  sourceTemplateClearCommand,
  sourceFailuresCommand,
];

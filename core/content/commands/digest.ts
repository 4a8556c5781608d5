import type { ReplyItem } from '../../domain/reply.ts';
import { nextSlot } from '../../framework/cron-slots.ts';
import { option } from '../../framework/options.ts';
import { explainUrl } from '../digest/explain.ts';
import { formatSlot } from '../digest/render.ts';
import { DIGEST_LANGUAGES } from '../types.ts';
import { defineContentCommand, parseTopics, requireChannel } from './shared.ts';

const d = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const itemId = () => option.string({ description: d('Digest item id', '精选条目 id'), required: true, maxLength: 40 });
const runId = () => option.string({ description: d('Digest run id', '精选运行 id'), required: true, maxLength: 40 });
const scheduleId = () =>
  option.string({
    description: d('Schedule id (see /digest schedule list)', '计划 id（见 /digest schedule list）'),
    required: true,
    maxLength: 40,
  });

/** `/digest`: members get the current best items on demand (only for them; nothing is marked as posted). */
export const digestCommand = defineContentCommand({
  name: 'digest',
  description: d('The best new items for this community, now', '现在就看本社区最值得读的新内容'),
  permission: 'member',
  slow: true,
  options: {},
  async handler({ community, channel, services, t }) {
    return services.content.digests.preview(community, channel?.platformChannelId ?? null, t, 'on_demand');
  },
});

export const digestPreviewCommand = defineContentCommand({
  name: 'digest preview',
  description: d("Preview the digest this channel's schedule would post now", '预览本频道计划现在会发布的精选'),
  permission: 'moderator',
  slow: true,
  options: {},
  async handler({ community, channel, services, t }) {
    return services.content.digests.preview(community, channel?.platformChannelId ?? null, t, 'preview');
  },
});

export const digestScheduleAddCommand = defineContentCommand({
  name: 'digest schedule add',
  description: d('Post a digest in this channel on a cron schedule', '按 cron 计划在本频道发布精选'),
  permission: 'moderator',
  options: {
    cron: option.string({
      description: d('Cron, 5 fields in quotes, e.g. "0 8 * * *"', 'cron 表达式（5 段，加引号），例如 "0 8 * * *"'),
      required: true,
      maxLength: 100,
    }),
    timezone: option.string({
      description: d('IANA time zone, e.g. Asia/Shanghai', 'IANA 时区，例如 Asia/Shanghai'),
      required: true,
      maxLength: 64,
    }),
    topics: option.string({
      description: d('Topics, comma separated, or any', '主题（逗号分隔），或 any'),
      maxLength: 300,
    }),
    'min-score': option.number({
      description: d(
        'Minimum quality 0–1, calibrated to this community: 0.5 is its median post, 0.75 its top quarter',
        '最低质量分 0–1，按本社区校准：0.5 为本社区的中位帖子，0.75 为前四分之一',
      ),
      min: 0,
      max: 1,
    }),
    'max-items': option.integer({ description: d('Items per digest, 1–10', '每期条数 1–10'), min: 1, max: 10 }),
    language: option.choice({ description: d('any, en or zh', 'any、en 或 zh'), choices: DIGEST_LANGUAGES }),
    approval: option.boolean({
      description: d('Wait for a moderator to approve each digest', '每期精选需管理员批准后发布'),
    }),
  },
  async handler({ input, community, channel, member, services, t }) {
    const target = requireChannel(channel);
    const schedule = await services.content.digests.addSchedule({
      community,
      channelId: target.platformChannelId,
      cron: input.cron,
      timezone: input.timezone,
      filter: {
        topics: parseTopics(input.topics),
        minScore: input['min-score'] ?? 0,
        maxItems: input['max-items'] ?? 5,
        language: input.language ?? 'any',
      },
      requiresApproval: input.approval ?? false,
      createdById: member.id,
    });
    const next = formatSlot(nextSlot(schedule.cron, schedule.timezone, schedule.createdAt), schedule.timezone);
    return {
      tone: 'success',
      title: t('content:schedule.added'),
      text: t('content:schedule.addedText', { cron: schedule.cron, timezone: schedule.timezone, next }),
      footer: `id ${schedule.id}`,
    };
  },
});

export const digestScheduleListCommand = defineContentCommand({
  name: 'digest schedule list',
  description: d('List digest schedules', '列出精选计划'),
  permission: 'moderator',
  options: {},
  async handler({ community, services, t, clock }) {
    const schedules = await services.content.digests.listSchedules(community.id);
    if (schedules.length === 0) return { text: t('content:schedule.listEmpty'), ephemeral: true };
    const now = clock.now();
    const items: ReplyItem[] = schedules.map((s) => ({
      title: t('content:schedule.item', { cron: s.cron, timezone: s.timezone }),
      description: t('content:schedule.meta', {
        topics: s.topics.length ? s.topics.join(', ') : t('content:schedule.anyTopic'),
        minScore: s.minScore,
        maxItems: s.maxItems,
        language: s.language,
        paused: s.paused ? t('content:schedule.pausedMark') : '',
        approval: s.requiresApproval ? t('content:schedule.approvalMark') : '',
        next: formatSlot(nextSlot(s.cron, s.timezone, now), s.timezone),
      }),
      meta: `id ${s.id} · #${s.channelId}`,
    }));
    return { title: t('content:schedule.listTitle'), items, ephemeral: true };
  },
});

export const digestScheduleRemoveCommand = defineContentCommand({
  name: 'digest schedule remove',
  description: d('Delete a digest schedule', '删除精选计划'),
  permission: 'moderator',
  options: { id: scheduleId() },
  async handler({ input, community, services, t }) {
    await services.content.digests.removeSchedule(community.id, input.id);
    return { tone: 'success', text: t('content:schedule.removed', { id: input.id }) };
  },
});

export const digestSchedulePauseCommand = defineContentCommand({
  name: 'digest schedule pause',
  description: d('Pause a digest schedule', '暂停精选计划'),
  permission: 'moderator',
  options: { id: scheduleId() },
  async handler({ input, community, services, t }) {
    await services.content.digests.setPaused(community.id, input.id, true);
    return { tone: 'success', text: t('content:schedule.paused', { id: input.id }) };
  },
});

export const digestScheduleResumeCommand = defineContentCommand({
  name: 'digest schedule resume',
  description: d('Resume a paused digest schedule', '恢复已暂停的精选计划'),
  permission: 'moderator',
  options: { id: scheduleId() },
  async handler({ input, community, services, t }) {
    await services.content.digests.setPaused(community.id, input.id, false);
    return { tone: 'success', text: t('content:schedule.resumed', { id: input.id }) };
  },
});

export const digestWhyCommand = defineContentCommand({
  name: 'digest why',
  description: d('Was this link seen, and why was it picked or dropped?', '这个链接是否被收录，为何入选或被丢弃？'),
  permission: 'member',
  options: { url: option.url({ description: d('The link', '链接'), required: true }) },
  async handler({ input, community, services, t, clock }) {
    return explainUrl(
      services.content.stores,
      community.id,
      input.url,
      t,
      community.timezone,
      (items) => services.content.quality.qualityOf(community.id, items),
      () => clock.now(),
      (item) => services.content.digests.capFor(community.id, item, clock.now()),
    );
  },
});

export const digestApproveCommand = defineContentCommand({
  name: 'digest approve',
  description: d('Approve and post a digest that awaits approval', '批准并发布待审核的精选'),
  permission: 'moderator',
  options: { id: runId() },
  async handler({ input, community, member, services, t }) {
    const run = await services.content.digests.approve(community, input.id, member.id);
    return run.status === 'posted'
      ? { tone: 'success', text: t('content:digest.approved', { channel: run.channelId }) }
      : { tone: 'error', text: t('content:digest.approveFailed', { id: input.id, error: run.error ?? '—' }) };
  },
});

export const digestRejectCommand = defineContentCommand({
  name: 'digest reject',
  description: d('Reject a digest that awaits approval', '拒绝待审核的精选'),
  permission: 'moderator',
  options: { id: runId() },
  async handler({ input, community, member, services, t }) {
    await services.content.digests.reject(community, input.id, member.id);
    return { tone: 'success', text: t('content:digest.rejected') };
  },
});

export const digestVoteCommand = defineContentCommand({
  name: 'digest vote',
  description: d('Vote on a digest item', '为精选条目投票'),
  permission: 'member',
  hidden: true,
  options: {
    id: itemId(),
    vote: option.choice({
      description: d('up or down', 'up 或 down'),
      choices: ['up', 'down'] as const,
      required: true,
    }),
  },
  async handler({ input, member, channel, platform, interactionId, services, t }) {
    await services.content.digests.feedback({
      member,
      platform,
      channelId: channel?.id ?? null,
      itemId: input.id,
      kind: input.vote,
      interactionId,
    });
    return { tone: 'success', ephemeral: true, text: t('content:digest.voted') };
  },
});

export const digestOpenCommand = defineContentCommand({
  name: 'digest open',
  description: d('Open a digest item (counts as a click)', '打开精选条目（计为一次点击）'),
  permission: 'member',
  hidden: true,
  options: { id: itemId() },
  async handler({ input, member, channel, platform, interactionId, services, t }) {
    const { url } = await services.content.digests.feedback({
      member,
      platform,
      channelId: channel?.id ?? null,
      itemId: input.id,
      kind: 'click',
      interactionId,
    });
    return {
      ephemeral: true,
      text: t('content:digest.open', { url: url ?? '—' }),
      ...(url ? { buttons: [{ label: '↗', url }] } : {}),
    };
  },
});

export const digestRemoveCommand = defineContentCommand({
  name: 'digest remove',
  description: d('Remove an item from digests for good', '将条目永久移出精选'),
  permission: 'moderator',
  hidden: true,
  options: { id: itemId() },
  async handler({ input, member, channel, platform, interactionId, services, t }) {
    await services.content.digests.feedback({
      member,
      platform,
      channelId: channel?.id ?? null,
      itemId: input.id,
      kind: 'remove',
      interactionId,
    });
    return { tone: 'success', ephemeral: true, text: t('content:digest.removed') };
  },
});

export const digestCommands = [
  digestCommand,
  digestPreviewCommand,
  digestScheduleAddCommand,
  digestScheduleListCommand,
  digestScheduleRemoveCommand,
  digestSchedulePauseCommand,
  digestScheduleResumeCommand,
  digestWhyCommand,
  digestApproveCommand,
  digestRejectCommand,
  digestVoteCommand,
  digestOpenCommand,
  digestRemoveCommand,
];

import { commandsFor } from '../../../core/framework/command.ts';
import { option } from '../../../core/framework/options.ts';
import type { BookmarkStore } from './ports.ts';

/** The feature's handles, as its commands see them in `ctx.services`. */
export interface BookmarksHandles {
  bookmarks: BookmarkStore;
}

const defineBookmarksCommand = commandsFor<BookmarksHandles>();

export const bookmarkAddCommand = defineBookmarksCommand({
  name: 'bookmark add',
  description: { en: 'Save a link for later', 'zh-CN': '收藏一个链接' },
  permission: 'member',
  options: {
    url: option.url({ description: { en: 'The link', 'zh-CN': '链接' }, required: true }),
    title: option.string({
      description: { en: 'A title', 'zh-CN': '标题' },
      required: true,
      rest: true,
      maxLength: 100,
    }),
  },
  async handler({ input, community, member, services, clock, t }) {
    await services.bookmarks.add({
      communityId: community.id,
      memberId: member.id,
      url: input.url,
      title: input.title,
      savedAt: clock.now(),
    });
    return { text: t('bookmarks:saved', { title: input.title }), tone: 'success', ephemeral: true };
  },
});

export const bookmarkListCommand = defineBookmarksCommand({
  name: 'bookmark list',
  description: { en: 'Your saved links', 'zh-CN': '你收藏的链接' },
  permission: 'member',
  options: {},
  async handler({ community, member, services, t }) {
    const saved = await services.bookmarks.list(community.id, member.id);
    if (saved.length === 0) return { text: t('bookmarks:empty'), ephemeral: true };
    return {
      title: t('bookmarks:listTitle'),
      items: saved.map((b) => ({ title: b.title, url: b.url })),
      ephemeral: true,
    };
  },
});

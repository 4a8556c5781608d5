import type { Messages } from '../../../core/i18n/translate.ts';

/** The toy feature's strings (namespace `bookmarks`, the feature's name). */
export const bookmarksMessages = {
  en: {
    saved: 'Saved “{{title}}” to your bookmarks.',
    listTitle: 'Your bookmarks',
    empty: 'You have no bookmarks yet. Try /bookmark add <url> <title>.',
  },
  'zh-CN': {
    saved: '已把「{{title}}」加入你的书签。',
    listTitle: '你的书签',
    empty: '你还没有书签。试试 /bookmark add <网址> <标题>。',
  },
} satisfies Messages;

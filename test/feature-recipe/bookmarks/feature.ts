import { defineFeature, type FeatureContext } from '../../../core/framework/feature.ts';
import { type BookmarksHandles, bookmarkAddCommand, bookmarkListCommand } from './commands.ts';
import { bookmarksMessages } from './messages.ts';
import type { BookmarkStore } from './ports.ts';

/** The toy feature of docs/CONTRIBUTING.md's recipe: members save links and list them. */
export const bookmarksFeature = defineFeature({
  name: 'bookmarks',
  messages: bookmarksMessages,
  services: (ctx: FeatureContext<BookmarkStore>): BookmarksHandles => ({ bookmarks: ctx.stores }),
  commands: [bookmarkAddCommand, bookmarkListCommand],
});

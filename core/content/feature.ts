import { defineFeature, type FeatureContext } from '../framework/feature.ts';
import type { ContentModel } from '../ports/content-model.ts';
import { digestCommands } from './commands/digest.ts';
import type { ContentHandles } from './commands/shared.ts';
import { sourceCommands } from './commands/source.ts';
import { sourcePauseCommands } from './commands/source-pause.ts';
import { sourceSettingsCommands } from './commands/source-settings.ts';
import { contentMessages } from './messages.ts';
import type { ContentStores } from './ports.ts';
import { createContentScorer, type QualityCombiner } from './scoring/index.ts';
import { ContentService } from './service.ts';

/** The quality combiner a model ships with, when it has one (the models adapters/ml loads do). */
const combinerOf = (model: ContentModel): QualityCombiner | null =>
  (model as { qualityCombiner?: QualityCombiner | null }).qualityCombiner ?? null;

/**
 * Curated digests: feeds and members' posts, cleaned, de-duplicated, scored by the content model, ranked and posted
 * on moderators' schedules, each item explaining why it was picked.
 */
export const contentFeature = defineFeature({
  name: 'content',
  messages: contentMessages,
  services: (ctx: FeatureContext<ContentStores>): ContentHandles => ({
    content: new ContentService({
      stores: ctx.stores,
      fetcher: ctx.fetcher,
      scorer: createContentScorer({ model: ctx.model, combiner: combinerOf(ctx.model) }),
      communities: ctx.core.communities,
      events: ctx.core.events,
      courses: ctx.core.courses,
      translator: ctx.core.translator,
      messenger: ctx.messenger,
      scheduler: ctx.scheduler,
      posts: ctx.posts,
      clock: ctx.clock,
      log: ctx.log,
      ...(ctx.settings.feeds
        ? {
            options: {
              instant: { perChannel: ctx.settings.feeds.instantPerMinute, windowMs: 60_000 },
              poll: { hostFetches: ctx.settings.feeds.hostFetchesPerMinute, hostWindowMs: 60_000 },
            },
          }
        : {}),
    }),
  }),
  commands: [...sourceCommands, ...sourcePauseCommands, ...sourceSettingsCommands, ...digestCommands],
  // Polls due sources and re-checks schedules every minute: the safety net for a missed timer and failed posts.
  jobs: ({ content }) => [
    {
      name: 'content:poll',
      schedule: { everyMs: content.pollEveryMs },
      runAtStart: true,
      run: () => content.pollOnce(),
    },
    // Each community's quality layer learns from its members' votes, clicks, reactions, replies and tips.
    {
      name: 'content:learn',
      schedule: { everyMs: content.learnEveryMs },
      runAtStart: true,
      run: () => content.learnOnce(),
    },
  ],
  // Members' posts become digest candidates as they are recorded.
  events: ({ content }) => [(event, scope) => content.takePost(event, scope)],
  // Digest timers follow the stored schedules; the latest missed slot of each is caught up once.
  start: ({ content }) => content.start(),
});

import { defineFeature } from '../framework/feature.ts';
import { coursesCommand, searchCommand } from './commands/courses.ts';
import {
  recommendCommand,
  recommendDismissCommand,
  recommendRetrainCommand,
  recommendViewCommand,
} from './commands/recommend.ts';
import { recommendMessages } from './messages.ts';
import { EngineRecommender } from './recommender.ts';
import { RecommendService } from './service.ts';
import type { RecommenderSnapshotStore } from './snapshot-store.ts';

/**
 * Personalised course suggestions from member profiles, interest groups and a hybrid recommender that explains
 * every pick, plus semantic course search. Course and profile vectors come from the same content model as digests,
 * so search and similarity work across Chinese and English. Provides member profiles to the profiles feature.
 */
export const recommendFeature = defineFeature<RecommenderSnapshotStore, { recommend: EngineRecommender }>({
  name: 'recommend',
  messages: recommendMessages,
  // The handle is the engine itself; commands see it through the CourseRecommender port (RecommendHandles).
  services: (ctx) => {
    const service = new RecommendService({
      courses: ctx.core.courses,
      events: ctx.core.events,
      model: ctx.model,
      snapshots: ctx.stores,
      clock: ctx.clock,
      log: ctx.log,
    });
    return { recommend: new EngineRecommender(service) };
  },
  commands: [
    recommendCommand,
    coursesCommand,
    searchCommand,
    recommendRetrainCommand,
    recommendViewCommand,
    recommendDismissCommand,
  ],
  provides: ({ recommend }) => ({ memberProfiles: recommend }),
  // Retrained hourly per community (and on demand with /recommend retrain).
  // A retrain that a catalogue change started in the background finishes before the model is closed.
  stop: ({ recommend }) => recommend.settle(),
  jobs: ({ recommend }) => [
    { name: 'recommend:retrain', schedule: { everyMs: 60 * 60_000 }, run: () => recommend.retrainAll() },
  ],
});

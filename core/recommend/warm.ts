import type { RecommenderEngine } from './engine.ts';
import { prepareServing } from './fast-score.ts';

/** Members served once while warming: enough for the serving code to be compiled, a few ms each. */
const WARM_REQUESTS = 24;

/**
 * Readies a newly trained engine before it serves: this minute's and the next minute's item-level scores, and the
 * serving code run (and so compiled) on a spread of members, so the first requests after a retrain do not pay for
 * either. Serving reads the engine and changes nothing: the lists it gives afterwards are the same.
 */
export function warmServing(engine: RecommenderEngine, at: number, members: number): void {
  prepareServing(engine.sources, engine.ranker, at);
  if (members === 0) return;
  const calls = Math.min(WARM_REQUESTS, members);
  for (let r = 0; r < calls; r++) {
    engine.recommend(Math.floor((r * members) / calls), at, { k: 15, pool: 20 });
  }
}

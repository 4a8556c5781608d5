import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { EventStore } from '../../ports/stores.ts';
import type { ContentItemStore, QualityInputRecord, QualityStore } from '../ports.ts';
import type { ContentItem } from '../types.ts';
import {
  calibrated,
  DEFAULT_LAYER_OPTIONS,
  type LayerExample,
  type LayerOptions,
  type QualityLayerState,
  score,
  trainLayer,
} from './community-layer.ts';
import {
  DEFAULT_LABEL_OPTIONS,
  engagementLabels,
  engagementOf,
  type LabelOptions,
  LEARNING_VERBS,
  labelKindOf,
} from './community-signals.ts';
import { type QualityBound, qualityBoundOf } from './quality-bound.ts';
import { logit } from './quality-combiner.ts';

/** A community's calibrated quality under one layer state, as a function and as data (`bound`). */
export interface CommunityQualityScorer {
  bound: QualityBound;
  qualityOf(list: readonly ContentItem[]): Promise<Map<string, number>>;
}

/**
 * Runs the per-community quality layer in the product: `learn` (the content feature's `content:learn` job, on the
 * app's one scheduler) reads a community's recent items and what its members did with them, updates the layer and
 * stores it; `qualityOf` gives digests and explanations the calibrated score (0.5 = the community's median item).
 */
export interface CommunityLearningDeps {
  quality: QualityStore;
  items: ContentItemStore;
  events: EventStore;
  clock: Clock;
  log: Logger;
  options?: Partial<{
    /** How far back items and signals are read. Default a year (bounded by `maxItems`). */
    historyMs: number;
    /** Items read per community and pass. Default 5,000 (the newest). */
    maxItems: number;
    layer: LayerOptions;
    labels: LabelOptions;
  }>;
}

export interface LearnOutcome {
  communityId: string;
  items: number;
  examples: number;
  /** False when too few items were labelled: the layer stays the shipped model, only the calibration moved. */
  adapted: boolean;
}

/** An item scored before inputs were kept: its kind from its guid (members' posts and courses have their own). */
const kindOf = (item: ContentItem): string =>
  item.guid.startsWith('message:') ? 'post' : item.guid.startsWith('course:') ? 'course' : 'article';

export class CommunityQualityLearner {
  readonly #deps: CommunityLearningDeps;
  readonly #historyMs: number;
  readonly #maxItems: number;
  readonly #layer: LayerOptions;
  readonly #labels: LabelOptions;

  constructor(deps: CommunityLearningDeps) {
    this.#deps = deps;
    this.#historyMs = deps.options?.historyMs ?? 365 * 86_400_000;
    this.#maxItems = deps.options?.maxItems ?? 5_000;
    this.#layer = deps.options?.layer ?? DEFAULT_LAYER_OPTIONS;
    this.#labels = deps.options?.labels ?? DEFAULT_LABEL_OPTIONS;
  }

  /** One pass over every community with recent items; one community's failure never stops the others. */
  async learnAll(): Promise<LearnOutcome[]> {
    const now = this.#deps.clock.now();
    const out: LearnOutcome[] = [];
    for (const communityId of await this.#deps.quality.activeCommunities(new Date(now.getTime() - this.#historyMs))) {
      try {
        out.push(await this.learn(communityId));
      } catch (error) {
        this.#deps.log.error({ err: error, communityId }, 'quality layer update failed');
      }
    }
    return out;
  }

  async learn(communityId: string): Promise<LearnOutcome> {
    const { quality, items, events, clock, log } = this.#deps;
    const now = clock.now();
    const since = new Date(now.getTime() - this.#historyMs);
    const inputs = await quality.inputsSince(communityId, since, this.#maxItems);
    const stored = await items.getMany(inputs.map((i) => i.itemId));
    const storedById = new Map(stored.map((item) => [item.id, item]));
    const signalItems = inputs.flatMap((input) => {
      const guid = storedById.get(input.itemId)?.guid;
      const kind = labelKindOf(input.kind, input.features);
      return guid ? [{ id: input.itemId, guid, kind, publishedAt: input.publishedAt }] : [];
    });
    // The layer reads what an item is about too: its embedding, kept on the item for deduplication.
    const withEmbedding = inputs.map((input) => ({
      ...input,
      embedding: storedById.get(input.itemId)?.embedding ?? null,
    }));
    // A day more of the log than of items: the posts' own events say who wrote what.
    const signals = await events.query({
      communityId,
      since: new Date(since.getTime() - 86_400_000),
      verbs: LEARNING_VERBS,
      limit: 200_000,
    });
    const labels = engagementLabels(signalItems, engagementOf(signals, signalItems), now, this.#labels);
    const examples: LayerExample[] = withEmbedding.flatMap((input) => {
      const label = labels.get(input.itemId);
      return label === undefined
        ? []
        : [{ baseQuality: input.baseQuality, features: input.features, embedding: input.embedding, label }];
    });
    const previous = await quality.getLayer(communityId);
    const state = trainLayer(previous, examples, withEmbedding, now, this.#layer);
    await quality.saveLayer(communityId, state);
    const adapted = examples.length >= this.#layer.minExamples;
    log.info({ communityId, items: inputs.length, examples: examples.length, adapted }, 'quality layer updated');
    return { communityId, items: inputs.length, examples: examples.length, adapted };
  }

  /** The community's layer; before its first learning pass, the shipped model calibrated on its recent items. */
  async layerOf(communityId: string): Promise<QualityLayerState> {
    const stored = await this.#deps.quality.getLayer(communityId);
    if (stored?.calibration['*']) return stored;
    const now = this.#deps.clock.now();
    const population = await this.#deps.quality.inputsSince(
      communityId,
      new Date(now.getTime() - this.#historyMs),
      this.#maxItems,
    );
    const items = new Map((await this.#deps.items.getMany(population.map((p) => p.itemId))).map((i) => [i.id, i]));
    const withEmbedding = population.map((p) => ({ ...p, embedding: items.get(p.itemId)?.embedding ?? null }));
    return trainLayer(stored, [], withEmbedding, now, this.#layer);
  }

  /**
   * The calibrated quality of each item, in [0, 1] (0.5 = the community's median item).
   */
  async qualityOf(communityId: string, list: readonly ContentItem[]): Promise<Map<string, number>> {
    if (list.length === 0) return new Map();
    return this.#qualityUnder(await this.layerOf(communityId), list);
  }

  /**
   * One layer for a whole digest build: the calibrated quality of any of its candidates (as `qualityOf`), and the
   * same scoring as data, for the database to rank by (scoring/quality-bound.ts).
   */
  async scorerFor(communityId: string): Promise<CommunityQualityScorer> {
    const state = await this.layerOf(communityId);
    return {
      bound: qualityBoundOf(state),
      qualityOf: (list) => (list.length === 0 ? Promise.resolve(new Map()) : this.#qualityUnder(state, list)),
    };
  }

  async #qualityUnder(state: QualityLayerState, list: readonly ContentItem[]): Promise<Map<string, number>> {
    const inputs = await this.#deps.quality.inputsOf(list.map((item) => item.id));
    // A layer that reads embeddings needs them; a digest lists its candidates without (it reads only its
    // contenders' for the near-duplicate check), so the missing ones are read here.
    const missing = (state.embeddingDims ?? 0) > 0 ? list.filter((item) => !item.embedding).map((i) => i.id) : [];
    const read = missing.length > 0 ? await this.#deps.items.embeddingsOf(missing) : new Map<string, Float32Array>();
    return new Map(
      list.map((item) => {
        const input: QualityInputRecord | undefined = inputs.get(item.id);
        // Scored before inputs were kept: its stored quality, on the same calibrated scale.
        return [
          item.id,
          input
            ? score(state, { ...input, embedding: item.embedding ?? read.get(item.id) ?? null })
            : calibrated(state, logit(item.quality), kindOf(item)),
        ];
      }),
    );
  }
}

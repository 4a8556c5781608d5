import type { TransferOutcome, TransferRequest } from '../core/interactions/ledger-store.ts';
import type { ContentModel } from '../core/ports/content-model.ts';
import type { FeedFetcher } from '../core/ports/feed-fetcher.ts';
import type { Metrics } from '../core/ports/metrics.ts';

/**
 * Counting at the ports, so core stays free of metrics: the composition root wraps the content model (inference
 * time), the feed fetcher (failures by code) and the ledger (transfers by kind) before handing them to the features.
 */
export function meteredModel<M extends ContentModel>(model: M, metrics: Metrics | undefined): M {
  if (!metrics?.modelInference) return model;
  const observe = metrics.modelInference.bind(metrics);
  const timed =
    <T>(task: string, call: (texts: readonly string[]) => Promise<T>) =>
    async (texts: readonly string[]): Promise<T> => {
      const started = performance.now();
      try {
        return await call(texts);
      } finally {
        observe({ task, seconds: (performance.now() - started) / 1000 });
      }
    };
  // The wrapper delegates everything else (id, dimensions, dispose) to the model itself.
  const wrapped = Object.create(model) as M;
  wrapped.embed = timed('embed', (texts) => model.embed(texts));
  wrapped.signals = timed('signals', (texts) => model.signals(texts));
  return wrapped;
}

export function meteredFetcher(fetcher: FeedFetcher, metrics: Metrics | undefined): FeedFetcher {
  if (!metrics?.feedFailed) return fetcher;
  const failed = metrics.feedFailed.bind(metrics);
  return {
    async fetch(url, conditional) {
      try {
        return await fetcher.fetch(url, conditional);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        failed({ reason: typeof code === 'string' ? code : 'FEED_ERROR' });
        throw error;
      }
    },
  };
}

interface HoldsLedger {
  ledger: { transfer(request: TransferRequest): Promise<TransferOutcome> };
}

/** A feature's stores with the ledger's applied transfers counted (other stores are returned as they are). */
export function meteredStores<S>(stores: S, metrics: Metrics | undefined): S {
  const ledger = (stores as Partial<HoldsLedger> | undefined)?.ledger;
  if (!metrics?.ledgerTransfer || typeof ledger?.transfer !== 'function') return stores;
  const counted = metrics.ledgerTransfer.bind(metrics);
  const transfer = ledger.transfer.bind(ledger);
  ledger.transfer = async (request) => {
    const outcome = await transfer(request);
    if (outcome.status === 'applied') counted({ kind: request.kind });
    return outcome;
  };
  return stores;
}

/**
 * The pre-trained model behind content scoring (s_i = M_θ(c_i)), member profiles and semantic search.
 * adapters/ml implements it with transformers.js over onnxruntime-node: the shipped offline model by default,
 * any hub id or local folder when the operator configures one. Core sees only this port.
 */
export interface ContentSignals {
  /** Probability-like quality score in [0, 1]: how likely the community finds the item worth reading. */
  quality: number;
  /** Sentiment in [-1, 1]: negative to positive. */
  sentiment: number;
  /** Topic labels with weights in [0, 1], best first (may be empty when the model has no topic head). */
  topics: { topic: string; weight: number }[];
}

export interface ContentModel {
  /** A stable name for logs and explanations, e.g. `cohort-mini@1` or `Xenova/multilingual-e5-small`. */
  readonly id: string;
  /** Dimension of the vectors `embed` returns. */
  readonly dimensions: number;
  /** L2-normalised sentence embeddings, one per text, in one shared space across languages the model covers. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Quality, sentiment and topic signals, one per text. */
  signals(texts: readonly string[]): Promise<ContentSignals[]>;
}

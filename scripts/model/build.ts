import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadTokenizer } from '../../adapters/ml/runtime.ts';
import { TOPICS } from '../../adapters/ml/topics.ts';
import type { QualityCombinerSpec } from '../../core/content/scoring/quality-combiner.ts';
import { bodyText, type QualityInput, qualityText } from '../../core/content/scoring/quality-input.ts';
import { STRUCTURE_FEATURES, structureFeatures } from '../../core/content/scoring/structure-features.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { seededRandom } from '../../core/ports/random.ts';
import { buildEmbeddings } from './embeddings.ts';
import { exportMiniOnnx, roundToHalf, sentimentScale } from './export-onnx.ts';
import { chooseQuestionOffset, type OffsetChoice } from './kind-offset.ts';
import { CONCEPTS, NEGATIVE, NEUTRAL_SENTENCES, POSITIVE } from './lexicon.ts';
import { auc, type Example, predictLogit, trainLogistic } from './logistic.ts';
import { buildVocabulary, tokenizerFiles } from './vocabulary.ts';

/**
 * Trains cohort-mini end to end and writes a transformers.js model folder. Used by `npm run model:train`
 * (all data) and by the scoring evaluation (oldest 80% only), so the evaluated scorer is the shipped one.
 */
export interface TrainingData {
  /** Unlabelled text for the vocabulary and word vectors. */
  corpus: string[];
  sentiment: { text: string; label: 0 | 1 }[];
  /** In time order (oldest first): the last fifth is the validation set that picks regularisation. */
  /** label in [0, 1]: a class (0/1) or a soft target (e.g. a score percentile). */
  quality: { input: QualityInput; label: number; weight?: number; score?: number }[];
  /**
   * Text known to be neutral (e.g. Q&A titles and sentences), trained toward sentiment 0.5 beside the labelled
   * sentences, so words that reviews use mostly in complaints do not turn plain questions negative.
   */
  neutral?: string[];
  /** One line for config.json and the combiner: which data, which rule, which dates. */
  description: string;
}

export interface BuildOptions {
  outDir: string;
  seed: number;
  dimensions?: number;
  maxWords?: number;
  maxLength?: number;
  log: Logger;
}

export interface BuildReport {
  vocabularyRows: number;
  sentimentTrainAccuracy: number;
  qualityValidationAuc: number;
  /** Log-odds added to questions, and the validation AUCs of both label rules with it (kind-offset.ts). */
  qualityQuestionOffset: OffsetChoice | null;
  qualityTextValidationAuc: number;
  qualityL2: number;
  qualityUsesAuthorHistory: boolean;
  qualityUsesTextBeyondLength: boolean;
  onnxBytes: number;
}

const MODEL_VERSION = 1;
/** Weight of one neutral corpus sentence in the sentiment head, against 1 per labelled sentence. */
const NEUTRAL_CORPUS_WEIGHT = 0.5;
/** Extra weight of neutral text when training the subjectivity gate. */
const SUBJECTIVITY_NEUTRAL_WEIGHT = 4;

export async function buildCohortMini(data: TrainingData, o: BuildOptions): Promise<BuildReport> {
  const D = o.dimensions ?? 96;
  const maxLength = o.maxLength ?? 512;
  const random = seededRandom(o.seed);
  const log = o.log;
  mkdirSync(path.join(o.outDir, 'onnx'), { recursive: true });

  const qualityBodies = data.quality.map((q) => bodyText(q.input.html));
  const qualityTexts = data.quality.map((q, i) => qualityText(q.input, qualityBodies[i]));
  const vocab = buildVocabulary([...data.corpus, ...data.sentiment.map((s) => s.text), ...qualityTexts], {
    maxWords: o.maxWords ?? 9000,
    minCount: 2,
    cjkBuckets: 1024,
  });
  const V = vocab.rows.length;
  log.info({ rows: V, tokens: vocab.tokens.size }, 'vocabulary built');
  const files = tokenizerFiles(vocab, maxLength);
  writeFileSync(path.join(o.outDir, 'tokenizer.json'), JSON.stringify(files.tokenizer));
  writeFileSync(path.join(o.outDir, 'tokenizer_config.json'), JSON.stringify(files.config, null, 2));
  writeFileSync(path.join(o.outDir, 'config.json'), JSON.stringify({ model_type: 'bert' }));

  // Tokenise with the shipped tokenizer itself, through the runtime's loader: training sees inference's tokens.
  const tokenizer = await loadTokenizer({ name: path.resolve(o.outDir), allowRemote: false });
  const encode = (texts: string[], special: boolean): number[][] =>
    texts.map((t) => {
      const ids = tokenizer(t, {
        add_special_tokens: special,
        truncation: special,
        max_length: maxLength,
        return_tensor: false,
      }).input_ids as number[];
      return ids;
    });
  const corpusSeqs = encode(data.corpus, false);
  // Neutral anchors (lexicon.ts) train toward 0.5, weighted like a few labelled sentences each.
  const sentimentRows = [
    ...data.sentiment.map((s) => ({ text: s.text, label: s.label as number, weight: 1 })),
    ...NEUTRAL_SENTENCES.map((text) => ({ text, label: 0.5, weight: 8 })),
    ...(data.neutral ?? []).map((text) => ({ text, label: 0.5, weight: NEUTRAL_CORPUS_WEIGHT })),
  ];
  const sentimentSeqs = encode(
    sentimentRows.map((s) => s.text),
    true,
  );
  const qualitySeqs = encode(qualityTexts, true);
  log.info({ corpus: corpusSeqs.length, sentiment: sentimentSeqs.length, quality: qualitySeqs.length }, 'tokenised');

  const { vectors } = buildEmbeddings(vocab, [...corpusSeqs, ...sentimentSeqs, ...qualitySeqs], {
    dimensions: D,
    window: 5,
    random,
  });
  const T = TOPICS.length;
  const K = D + 3 + T;
  const table = new Float32Array(V * K);
  for (let r = 0; r < V; r++) table.set(vectors[r] as Float64Array, r * K);
  const rounded = roundToHalf(table);
  const embedOf = (seq: readonly number[]): Float64Array => {
    const e = new Float64Array(D);
    for (const id of seq) for (let d = 0; d < D; d++) e[d] = (e[d] as number) + (rounded[id * K + d] as number);
    let n = 0;
    for (const x of e) n += x * x;
    n = Math.max(Math.sqrt(n), 1e-12);
    for (let d = 0; d < D; d++) e[d] = (e[d] as number) / n;
    return e;
  };
  const bag = (seq: readonly number[], scale: number): Pick<Example, 'sparseIdx' | 'sparseVal'> => {
    const counts = new Map<number, number>();
    for (const id of seq) counts.set(id, (counts.get(id) ?? 0) + 1);
    const ids = [...counts.keys()].sort((a, b) => a - b);
    return {
      sparseIdx: Int32Array.from(ids),
      sparseVal: Float32Array.from(ids, (id) => (counts.get(id) as number) / scale),
    };
  };

  // Sentiment: summed token weights (scaled down for long texts), learned from the labelled sentences;
  // the lexicon anchors Chinese.
  const sentimentExamples: Example[] = sentimentSeqs.map((seq, i) => ({
    ...bag(seq, sentimentScale(seq.length)),
    dense: new Float64Array(0),
    y: (sentimentRows[i] as { label: number }).label,
    weight: (sentimentRows[i] as { weight: number }).weight,
  }));
  const sentiment = trainLogistic(sentimentExamples, {
    nSparse: V,
    nDense: 0,
    l2Sparse: 3e-4,
    l2Dense: 0,
    steps: 300,
    learningRate: 0.05,
    random,
  });
  const sentimentTrainAccuracy =
    sentimentExamples.filter((e) => e.y !== 0.5 && (predictLogit(sentiment, e) > 0 ? 1 : 0) === e.y).length /
    Math.max(1, data.sentiment.length);
  const magnitudes = [...sentiment.sparse].map(Math.abs).sort((a, b) => a - b);
  const strong = Math.max(magnitudes[Math.floor(magnitudes.length * 0.995)] ?? 1, 0.5);
  const seed = (terms: string[], sign: number, lang: 'en' | 'zh') => {
    for (const term of terms) {
      const row = vocab.rowOf(term);
      if (row === undefined) continue;
      const learned = (sentiment.sparse[row] as number) * sign;
      sentiment.sparse[row] = sign * (lang === 'zh' ? strong : Math.max(learned, strong * 0.6));
    }
  };
  seed(POSITIVE.en, 1, 'en');
  seed(NEGATIVE.en, -1, 'en');
  seed(POSITIVE.zh, 1, 'zh');
  seed(NEGATIVE.zh, -1, 'zh');
  for (let r = 0; r < V; r++) table[r * K + D + 1] = sentiment.sparse[r] as number;

  // Subjectivity gate (Pang & Lee's subjectivity-then-polarity): labelled opinion sentences (1) against neutral
  // text (0: the lexicon's anchors and the Q&A sentences). The graph multiplies the polarity logit by its
  // probability, so the sign of a score (and the labelled-sentence accuracy) never changes, but a plain question
  // whose words happen to lean negative in reviews ("Which tier includes the office hours?") stays near 0.
  // The seed words mark opinion in both languages, which is what makes Chinese opinions pass the gate.
  const subjectivityExamples: Example[] = sentimentExamples.map((e, i) => ({
    ...e,
    y: (sentimentRows[i] as { label: number }).label === 0.5 ? 0 : 1,
  }));
  // Neutral text weighs 4× here (the gate should close unless opinion words are present) and a stronger L2 than
  // polarity's keeps rare review words ("office", "hours") from opening it alone; both set on plain questions.
  const subjectivity = trainLogistic(
    subjectivityExamples.map((e) => (e.y === 0 ? { ...e, weight: SUBJECTIVITY_NEUTRAL_WEIGHT * (e.weight ?? 1) } : e)),
    {
      nSparse: V,
      nDense: 0,
      l2Sparse: 1e-3,
      l2Dense: 0,
      steps: 300,
      learningRate: 0.05,
      random,
    },
  );
  const subjectiveMagnitudes = [...subjectivity.sparse].filter((v) => v > 0).sort((a, b) => a - b);
  const subjectiveStrong = Math.max(subjectiveMagnitudes[Math.floor(subjectiveMagnitudes.length * 0.99)] ?? 1, 2);
  for (const term of [...POSITIVE.en, ...NEGATIVE.en, ...POSITIVE.zh, ...NEGATIVE.zh]) {
    const row = vocab.rowOf(term);
    if (row !== undefined) subjectivity.sparse[row] = Math.max(subjectivity.sparse[row] as number, subjectiveStrong);
  }
  for (let r = 0; r < V; r++) table[r * K + D + 2] = subjectivity.sparse[r] as number;

  // Topics: lexicon terms vote for their concept's topic.
  for (const c of CONCEPTS) {
    if (!c.topic) continue;
    const t = TOPICS.indexOf(c.topic);
    for (const term of [...c.en, ...c.zh]) {
      const row = vocab.rowOf(term);
      if (row !== undefined) table[row * K + D + 3 + t] = 1;
    }
  }

  // Quality: one logistic model over token weights (/n), length, the embedding, and structure features.
  const S = STRUCTURE_FEATURES.length;
  const structure = data.quality.map((q, i) => structureFeatures(q.input, qualityBodies[i]));
  const inModelDense = qualitySeqs.map((seq) => Float64Array.from([Math.log(seq.length), ...embedOf(seq)]));
  const stats = (rows: Float64Array[], width: number) => {
    const mean = new Float64Array(width);
    const std = new Float64Array(width);
    const count = Math.max(1, rows.length);
    for (const r of rows) for (let j = 0; j < width; j++) mean[j] = (mean[j] as number) + (r[j] as number) / count;
    for (const r of rows)
      for (let j = 0; j < width; j++)
        std[j] = (std[j] as number) + ((r[j] as number) - (mean[j] as number)) ** 2 / count;
    for (let j = 0; j < width; j++) std[j] = Math.sqrt(std[j] as number) || 1;
    return { mean, std };
  };
  const inStats = stats(inModelDense, D + 1);
  const stStats = stats(structure, S);
  const z = (row: Float64Array, s: { mean: Float64Array; std: Float64Array }) =>
    Float64Array.from(row, (v, j) => (v - (s.mean[j] as number)) / (s.std[j] as number));
  // Two stages, each chosen on the time-ordered validation fifth (never on test data):
  // 1. the model's own text head (length always; token weights + embedding if they help), a signal that stands
  //    alone for callers that use ContentModel.signals() directly;
  // 2. the combiner: text logit + structure features, with or without the author's history.
  const cut = Math.floor(qualitySeqs.length * 0.8);
  const fitQuality = (examples: Example[], l2Sparse: number, nSparse: number, nDense: number) =>
    trainLogistic(examples, { nSparse, nDense, l2Sparse, l2Dense: 3e-3, steps: 400, learningRate: 0.03, random });
  const validationAuc = (m: ReturnType<typeof fitQuality>, held: Example[]) =>
    auc(
      held.map((e) => predictLogit(m, e)),
      held.map((e) => (e.y >= 0.5 ? 1 : 0)),
    );
  const labelOf = (i: number) => ({
    y: (data.quality[i] as { label: number }).label,
    weight: (data.quality[i] as { weight?: number }).weight ?? 1,
  });
  const textExamples = (withText: boolean): Example[] =>
    qualitySeqs.map((seq, i) => {
      const dense = z(inModelDense[i] as Float64Array, inStats);
      if (!withText) dense.fill(0, 1);
      const text = withText ? bag(seq, seq.length) : { sparseIdx: new Int32Array(0), sparseVal: new Float32Array(0) };
      return { ...text, dense, ...labelOf(i) };
    });
  let bestText = { withText: false, l2: 0, auc: -1 };
  for (const withText of [false, true]) {
    const examples = textExamples(withText);
    for (const l2 of withText ? [1e-2, 3e-2, 1e-1] : [0]) {
      const a = validationAuc(fitQuality(examples.slice(0, cut), l2, V, D + 1), examples.slice(cut));
      log.debug({ stage: 'text', withText, l2, auc: a }, 'quality validation');
      if (a > bestText.auc) bestText = { withText, l2, auc: a };
    }
  }
  const chosenText = textExamples(bestText.withText);
  const textHead = fitQuality(chosenText, bestText.l2, V, D + 1);
  const textLogits = chosenText.map((e) => predictLogit(textHead, e));
  // For choosing the combiner, the text logits come from a head that never saw the validation fifth.
  const earlyTextHead = fitQuality(chosenText.slice(0, cut), bestText.l2, V, D + 1);
  const earlyTextLogits = chosenText.map((e) => predictLogit(earlyTextHead, e));

  // On a young site the author's history is confounded with time (everyone is new at launch, when scores run
  // high), so whether it helps is measured, not assumed.
  const authorColumns = STRUCTURE_FEATURES.flatMap((name, j) =>
    name.startsWith('author_') || name === 'has_author' ? [j] : [],
  );
  const combinerExamples = (dropAuthor: boolean, withTextLogit: boolean, logits = textLogits): Example[] =>
    structure.map((row, i) => {
      const st = z(row, stStats);
      if (dropAuthor) for (const j of authorColumns) st[j] = 0;
      return {
        sparseIdx: new Int32Array(0),
        sparseVal: new Float32Array(0),
        dense: withTextLogit ? Float64Array.from([logits[i] as number, ...st]) : st,
        ...labelOf(i),
      };
    });
  let bestCombiner = { dropAuthor: false, auc: -1 };
  for (const dropAuthor of [false, true]) {
    const examples = combinerExamples(dropAuthor, true, earlyTextLogits);
    const a = validationAuc(fitQuality(examples.slice(0, cut), 0, 0, S + 1), examples.slice(cut));
    log.debug({ stage: 'combiner', dropAuthor, auc: a }, 'quality validation');
    if (a > bestCombiner.auc) bestCombiner = { dropAuthor, auc: a };
  }
  // The question offset (kind-offset.ts), chosen on the validation fifth with the model that never saw it.
  const offsetChoice = (() => {
    if (data.quality.some((q) => q.score === undefined) || data.quality.length === 0) return null;
    const examples = combinerExamples(bestCombiner.dropAuthor, true, earlyTextLogits);
    const early = fitQuality(examples.slice(0, cut), 0, 0, S + 1);
    const rows = data.quality.map((q, i) => ({
      kind: q.input.kind,
      score: q.score as number,
      logit: predictLogit(early, examples[i] as Example),
    }));
    return chooseQuestionOffset(rows.slice(0, cut), rows.slice(cut));
  })();
  const questionOffset = offsetChoice?.offset ?? 0;
  log.info(
    { text: bestText, combiner: bestCombiner, questionOffset: offsetChoice },
    'quality heads selected on the time-ordered validation fifth',
  );
  const withText = fitQuality(combinerExamples(bestCombiner.dropAuthor, true), 0, 0, S + 1);
  const structureOnly = fitQuality(combinerExamples(bestCombiner.dropAuthor, false), 0, 0, S);
  // An offset δ on the log-odds of questions, written into the standardised is_question weight: w·z + δ·std·z
  // adds δ·(x − mean), which ranks exactly like +δ for every question.
  const isQuestion = STRUCTURE_FEATURES.indexOf('is_question');
  withText.dense[1 + isQuestion] =
    (withText.dense[1 + isQuestion] as number) + questionOffset * (stStats.std[isQuestion] as number);
  structureOnly.dense[isQuestion] =
    (structureOnly.dense[isQuestion] as number) + questionOffset * (stStats.std[isQuestion] as number);

  for (let r = 0; r < V; r++) table[r * K + D] = textHead.sparse[r] as number;
  // Fold the standardisation of the in-model dense features into the graph's weights and bias.
  let qualityBias = textHead.bias;
  const wLen = (textHead.dense[0] as number) / (inStats.std[0] as number);
  qualityBias -= wLen * (inStats.mean[0] as number);
  const qualityEmbedding = new Float32Array(D);
  for (let d = 0; d < D; d++) {
    const w = (textHead.dense[1 + d] as number) / (inStats.std[1 + d] as number);
    qualityEmbedding[d] = w;
    qualityBias -= w * (inStats.mean[1 + d] as number);
  }
  const combiner: QualityCombinerSpec = {
    version: 1,
    features: [...STRUCTURE_FEATURES],
    mean: [...stStats.mean],
    std: [...stStats.std],
    withText: { textWeight: withText.dense[0] as number, weights: [...withText.dense.slice(1)], bias: withText.bias },
    structureOnly: { weights: [...structureOnly.dense], bias: structureOnly.bias },
    trainedOn: `${data.description}; text head ${bestText.withText ? `tokens + embedding (l2 ${bestText.l2})` : 'length only'}, author history ${bestCombiner.dropAuthor ? 'off' : 'on'}, question offset ${questionOffset} (chosen on the validation fifth)`,
  };

  const onnxBytes = exportMiniOnnx({
    vocabSize: V,
    dimensions: D,
    topics: T,
    table,
    qualityEmbedding,
    qualityLength: wLen,
    qualityBias,
    sentimentBias: sentiment.bias,
    subjectivityBias: subjectivity.bias,
  });
  writeFileSync(path.join(o.outDir, 'onnx', 'model.onnx'), onnxBytes);
  writeFileSync(path.join(o.outDir, 'quality_combiner.json'), JSON.stringify(combiner, null, 1));
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    vocab_size: V,
    hidden_size: D,
    max_position_embeddings: maxLength,
    cohort: {
      name: 'cohort-mini',
      version: MODEL_VERSION,
      dimensions: D,
      topics: [...TOPICS],
      /** weight = min(1, topic_score · topicScale); topics under topicThreshold are dropped. */
      topicScale: 1.5,
      topicThreshold: 0.2,
      maxLength,
      seed: o.seed,
      trainedOn: data.description,
    },
  };
  writeFileSync(path.join(o.outDir, 'config.json'), JSON.stringify(config, null, 2));
  return {
    vocabularyRows: V,
    sentimentTrainAccuracy,
    qualityValidationAuc: bestCombiner.auc,
    qualityQuestionOffset: offsetChoice,
    qualityTextValidationAuc: bestText.auc,
    qualityL2: bestText.l2,
    qualityUsesAuthorHistory: !bestCombiner.dropAuthor,
    qualityUsesTextBeyondLength: bestText.withText,
    onnxBytes: onnxBytes.length,
  };
}

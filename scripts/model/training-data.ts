import type { StackExchangeDump } from '../../bench/eval/data/stackexchange.ts';
import type { TrainingData } from './build.ts';
import { labelByMedian, labelByThreshold, type SeQualityItem, typeMedians } from './stackexchange-quality.ts';
import type { LabelledSentence } from './uci-sentiment.ts';

/**
 * The training target of the quality head.
 * - `local-rank` (the default): a soft label, the post's score percentile among posts of its type written around
 *   the same time (the `LOCAL_WINDOW` nearest in time). Scores drift with a site's age (a young site's first posts
 *   collect the most votes), and a label that ignores that teaches the model "new author, early topic = good";
 *   ranking within a time window removes the drift from the label itself. Within its type, because a digest asks
 *   "better than usual for its kind", not "questions beat answers".
 * - `local-rank-mixed`: the mean of that and the percentile among all posts of the window (keeps the type offset).
 * - `rank`: the same-type/all-type mean over the whole training period.
 * - `median`, `threshold`, `both`: the binary label rules, kept for comparison in the eval.
 */
export const LOCAL_WINDOW = 200;
export type QualityTarget = 'local-rank' | 'local-rank-mixed' | 'rank' | 'median' | 'threshold' | 'both';

/** Mid-rank percentile of v in a sorted list, in [0, 1]. */
function percentile(sorted: readonly number[], v: number): number {
  let below = 0;
  let atOrBelow = 0;
  for (const x of sorted) {
    if (x < v) below++;
    if (x <= v) atOrBelow++;
  }
  return (below + atOrBelow) / 2 / Math.max(1, sorted.length);
}

export function qualityExamples(items: readonly SeQualityItem[], target: QualityTarget): TrainingData['quality'] {
  // The raw score rides along only so the builder can check the label rules on its validation fifth.
  return rawQualityExamples(items, target).map(({ item, label, weight }) => ({
    input: item.input,
    label,
    ...(weight === undefined ? {} : { weight }),
    score: item.post.score,
  }));
}

function rawQualityExamples(
  items: readonly SeQualityItem[],
  target: QualityTarget,
): { item: SeQualityItem; label: number; weight?: number }[] {
  if (target === 'local-rank' || target === 'local-rank-mixed') {
    return items.map((item, k) => {
      const window = items.slice(Math.max(0, k - LOCAL_WINDOW / 2), Math.min(items.length, k + LOCAL_WINDOW / 2));
      const any = window.map((x) => x.post.score).sort((a, b) => a - b);
      const same = window
        .filter((x) => x.post.postTypeId === item.post.postTypeId)
        .map((x) => x.post.score)
        .sort((a, b) => a - b);
      const withinType = percentile(same, item.post.score);
      return {
        item,
        label: target === 'local-rank' ? withinType : (withinType + percentile(any, item.post.score)) / 2,
      };
    });
  }
  if (target === 'rank') {
    // Soft label: the mean of the post's score percentile within its type and within all posts, so one head
    // ranks both "better than usual for a question/answer" and "clearly good in absolute terms".
    const all = items.map((i) => i.post.score).sort((a, b) => a - b);
    const byType = new Map<number, number[]>();
    for (const i of items) byType.set(i.post.postTypeId, [...(byType.get(i.post.postTypeId) ?? []), i.post.score]);
    for (const list of byType.values()) list.sort((a, b) => a - b);
    return items.map((i) => ({
      item: i,
      label: (percentile(byType.get(i.post.postTypeId) ?? [], i.post.score) + percentile(all, i.post.score)) / 2,
    }));
  }
  const medians = typeMedians(items);
  const out: { item: SeQualityItem; label: number; weight?: number }[] = [];
  for (const item of items) {
    const byMedian = labelByMedian(item.post, medians);
    const byThreshold = labelByThreshold(item.post.score);
    if (target === 'threshold') {
      if (byThreshold !== null) out.push({ item, label: byThreshold });
    } else if (target === 'median') {
      if (byMedian !== null) out.push({ item, label: byMedian });
    } else {
      const label = byThreshold ?? byMedian;
      if (label !== null) out.push({ item, label, weight: byThreshold !== null ? 2 : 1 });
    }
  }
  return out;
}

/**
 * Everything the trainer reads, limited to what existed before `until` (the eval's train/test cut);
 * `items` must already be the training period's posts, oldest first.
 */
export function trainingData(opts: {
  dump: StackExchangeDump | null;
  items: readonly SeQualityItem[];
  sentences: readonly LabelledSentence[];
  until: Date | null;
  target: QualityTarget;
  description: string;
}): TrainingData {
  const until = opts.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const comments = opts.dump
    ? opts.dump.comments.filter((c) => c.creationDate.getTime() < until).map((c) => c.text)
    : [];
  const posts = opts.items.map((i) => [i.input.title ?? '', i.input.html.replace(/<[^>]+>/g, ' ')].join('\n'));
  return {
    corpus: [...posts, ...comments],
    sentiment: opts.sentences.map((s) => ({ text: s.text, label: s.label })),
    quality: qualityExamples(opts.items, opts.target),
    neutral: neutralSentences(opts.items),
    description: opts.description,
  };
}

/**
 * Plain sentences from a Q&A site, trained toward neutral sentiment: question titles and short prose sentences of
 * posts (no code, no mathematics). Review data alone teaches that questions and everyday words ("which", "hours",
 * "office") lean negative, because in reviews they mostly come from complaints; a knowledge community writes them
 * neutrally. At most two body sentences per post, so long posts do not dominate.
 */
export function neutralSentences(items: readonly SeQualityItem[]): string[] {
  const out: string[] = [];
  const plain = (s: string) => s.length >= 20 && s.length <= 200 && !/[$\\{}<>=_]|https?:/.test(s);
  for (const { input } of items) {
    if (input.title && plain(input.title)) out.push(input.title);
    const text = input.html
      .replace(/<pre[\s>][\s\S]*?<\/pre>/gi, ' ')
      .replace(/<blockquote[\s>][\s\S]*?<\/blockquote>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&[a-z]+;|&#\d+;/g, ' ')
      .replace(/\s+/g, ' ');
    let taken = 0;
    for (const sentence of text.split(/(?<=[.?!])\s+/)) {
      const s = sentence.trim();
      if (!plain(s)) continue;
      out.push(s);
      if (++taken === 2) break;
    }
  }
  return out;
}

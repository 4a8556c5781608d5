import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The UCI "Sentiment Labelled Sentences" set: one `sentence<TAB>0|1` per line, from three sources. */
export const UCI_SOURCES = ['amazon_cells', 'imdb', 'yelp'] as const;
export type UciSource = (typeof UCI_SOURCES)[number];

export interface LabelledSentence {
  text: string;
  label: 0 | 1;
  source: UciSource;
}

export function loadUciSentiment(dir: string): LabelledSentence[] {
  const out: LabelledSentence[] = [];
  for (const source of UCI_SOURCES) {
    const raw = readFileSync(path.join(dir, `${source}_labelled.txt`), 'utf8');
    for (const line of raw.split(/\r?\n/)) {
      const m = /^(.*)\t\s*([01])\s*$/.exec(line);
      if (!m) continue;
      out.push({ text: (m[1] as string).trim(), label: m[2] === '1' ? 1 : 0, source });
    }
  }
  return out;
}

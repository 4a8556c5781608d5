import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../adapters/ml/runtime.ts';
import { buildVocabulary, tokenizerFiles } from './vocabulary.ts';

describe('cohort-mini tokenizer through transformers.js', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-vocab-test-'));
  let tokenize: (text: string) => string[];
  beforeAll(async () => {
    const vocab = buildVocabulary(['entanglement of qubits', 'entanglement again', 'the circuit', 'the circuit'], {
      maxWords: 100,
      minCount: 2,
      cjkBuckets: 16,
    });
    const files = tokenizerFiles(vocab, 64);
    writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(files.tokenizer));
    writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(files.config));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    const tokenizer = await loadTokenizer({ name: dir, allowRemote: false });
    tokenize = (text) => tokenizer.tokenize(text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('segments Chinese into lexicon words by longest match', () => {
    expect(tokenize('我的在线课程怎么定价？')).toEqual(['我的', '##在线', '##课程', '##怎么', '##定价', '？']);
  });

  it('keeps Chinese characters outside the lexicon as characters, never [UNK]', () => {
    const tokens = tokenize('龘靐课程');
    expect(tokens).not.toContain('[UNK]');
    expect(tokens).toHaveLength(3);
  });

  it('splits unknown English words into known pieces and keeps frequent corpus words whole', () => {
    expect(tokenize('Entanglement')).toEqual(['entanglement']);
    const pieces = tokenize('superconductingly');
    expect(pieces).not.toContain('[UNK]');
    expect(pieces.length).toBeGreaterThan(1);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalTopic, topicLabel, topicList } from './glossary.ts';

describe('topics in the reader’s language', () => {
  it('names a glossary topic by its Chinese name for a Chinese reader and by its tag otherwise', () => {
    expect(topicLabel('data', 'zh-CN')).toBe('数据');
    expect(topicLabel('投资', 'en')).toBe('investing');
    expect(topicLabel('data', 'en')).toBe('data');
    // A community's own topic, unknown to the glossary, is shown as written in both languages.
    expect(topicLabel('homebrewing', 'zh-CN')).toBe('homebrewing');
  });

  it('gives a name a member can type back to mean the same topic', () => {
    for (const tag of ['data', 'design', 'investing', 'writing', 'ai']) {
      expect(canonicalTopic(topicLabel(tag, 'zh-CN'))).toBe(tag);
    }
  });

  it('lists topics with the separator each language uses', () => {
    expect(topicList(['data', 'design'], 'zh-CN')).toBe('数据、设计');
    expect(topicList(['data', 'design'], 'en')).toBe('data, design');
  });
});

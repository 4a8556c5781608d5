import { commandsFor } from '../../core/framework/command.ts';
import { defineFeature } from '../../core/framework/feature.ts';

/** Paragraph n of the test's long answer: numbered, so a test can tell which page it is looking at. */
export const paragraph = (n: number) => `Paragraph ${n}. ${'Lorem ipsum dolor sit amet. '.repeat(30).trim()}`;
/** About 10 000 characters: three Telegram pages of at most 4096. */
export const LONG_PARAGRAPHS = 12;

const defineCommand = commandsFor<object>();

/** A test-only feature whose one command answers with more than one Telegram message's worth of text. */
export const longAnswerFeature = defineFeature({
  name: 'longanswer',
  messages: { en: {}, 'zh-CN': {} },
  services: () => ({}),
  commands: [
    defineCommand({
      name: 'chapter',
      description: { en: 'A long answer', 'zh-CN': '一个很长的回答' },
      permission: 'member',
      options: {},
      async handler() {
        const text = Array.from({ length: LONG_PARAGRAPHS }, (_, i) => paragraph(i + 1)).join('\n\n');
        return { title: 'Chapter', text, buttons: [{ label: 'Open site', url: 'https://example.test/chapter' }] };
      },
    }),
  ],
});

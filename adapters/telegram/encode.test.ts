import { describe, expect, it } from 'vitest';
import { encodeReply } from './encode.ts';

describe('Telegram encoding', () => {
  it('escapes HTML so member text cannot become tags or links', () => {
    const [message] = encodeReply({ title: '<b>x</b>', text: '<a href="tg://user?id=1">all</a> & more' });
    expect(message).toMatchObject({
      kind: 'text',
      html: '<b>&lt;b&gt;x&lt;/b&gt;</b>\n\n&lt;a href=&quot;tg://user?id=1&quot;&gt;all&lt;/a&gt; &amp; more',
    });
  });

  it('writes a Chinese label with a full-width colon and a value of several lines under its label', () => {
    const [message] = encodeReply({
      fields: [
        { name: '兴趣', value: '设计 33%' },
        { name: 'Tone', value: 'data: neutral\nai: positive' },
        { name: 'Language', value: 'English' },
      ],
    });
    expect(message).toMatchObject({
      kind: 'text',
      html: '<b>兴趣</b>：设计 33%\n\n<b>Tone</b>:\ndata: neutral\nai: positive\n\n<b>Language</b>: English',
    });
  });

  it('drops buttons whose action exceeds the 64-byte callback limit and links only http(s)', () => {
    const [message] = encodeReply({
      text: 'x',
      buttons: [
        { label: 'ok', action: '/help' },
        { label: 'long', action: `/help ${'长'.repeat(30)}` },
        { label: 'bad link', url: 'javascript:alert(1)' },
        { label: 'link', url: 'https://example.com' },
      ],
    });
    expect(message?.kind === 'text' && message.keyboard).toEqual([
      [
        { text: 'ok', callback_data: '/help' },
        { text: 'link', url: 'https://example.com' },
      ],
    ]);
  });

  it('sends an image as a photo with an escaped caption', () => {
    const messages = encodeReply({
      text: 'chart',
      image: { png: new Uint8Array([1]), filename: 'c.png', alt: 'a < b' },
    });
    expect(messages.at(-1)).toMatchObject({ kind: 'photo', filename: 'c.png', captionHtml: 'a &lt; b' });
  });

  it('sends a file as a document after the text, its description escaped as the caption', () => {
    const messages = encodeReply({
      text: 'Here it is',
      file: {
        filename: 'me.json',
        contentType: 'application/json',
        data: new Uint8Array([123, 125]),
        description: 'Your <data>',
      },
    });
    expect(messages.map((m) => m.kind)).toEqual(['text', 'document']);
    expect(messages[1]).toMatchObject({
      filename: 'me.json',
      captionHtml: 'Your &lt;data&gt;',
      data: new Uint8Array([123, 125]),
    });
  });
});

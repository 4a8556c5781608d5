import { describe, expect, it } from 'vitest';
import { encodeReply } from './encode.ts';

describe('Discord encoding', () => {
  it('never lets a mention ping and escapes markdown in user text', () => {
    const [message] = encodeReply({
      text: 'hi @everyone **bold** <@123>',
      buttons: [{ label: 'Go', action: '/help' }],
    });
    expect(message?.allowed_mentions).toEqual({ parse: [] });
    expect(message?.embeds[0]?.description).toBe('hi @\u200beveryone \\*\\*bold\\*\\* <@123>');
    expect(message?.components[0]?.components[0]).toMatchObject({ custom_id: '/help', label: 'Go' });
  });

  it('attaches an image and points the embed at it', () => {
    const [message] = encodeReply({
      title: 'Chart',
      image: { png: new Uint8Array([1, 2]), filename: 'c.png', alt: 'chart' },
    });
    expect(message?.files?.[0]?.name).toBe('c.png');
    expect(message?.embeds[0]?.image?.url).toBe('attachment://c.png');
  });

  it('attaches a file to the last message, beside an image, with its description', () => {
    const messages = encodeReply({
      text: 'Here it is',
      image: { png: new Uint8Array([1, 2]), filename: 'c.png', alt: 'chart' },
      file: {
        filename: 'me.json',
        contentType: 'application/json',
        data: new Uint8Array([123, 125]),
        description: 'Your <data>',
      },
      ephemeral: true,
    });
    const last = messages.at(-1);
    expect(last?.files?.map((f) => [f.name, f.description, [...f.attachment]])).toEqual([
      ['c.png', 'chart', [1, 2]],
      ['me.json', 'Your <data>', [123, 125]],
    ]);
    expect(last?.ephemeral).toBe(true);
  });
});

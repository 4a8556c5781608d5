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
});

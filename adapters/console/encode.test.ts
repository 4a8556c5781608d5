import { describe, expect, it } from 'vitest';
import { encodeConsoleReply } from './encode.ts';

describe('console encoding', () => {
  it('writes fields as label and value, a Chinese label with a full-width colon', () => {
    const text = encodeConsoleReply({
      fields: [
        { name: 'Interests', value: 'data 52%, ai 39%' },
        { name: '兴趣', value: '设计 33%、数据 31%' },
      ],
    });
    expect(text).toBe('Interests: data 52%, ai 39%\n兴趣：设计 33%、数据 31%');
  });

  it('puts a value of several lines under its label, each line indented', () => {
    const text = encodeConsoleReply({
      title: 'Your profile',
      fields: [{ name: '你的发言语气', value: '设计：中性（9 条）\n数据：积极（3 条）' }],
    });
    expect(text.split('\n').slice(2)).toEqual(['你的发言语气：', '   设计：中性（9 条）', '   数据：积极（3 条）']);
  });

  it('numbers items and turns action buttons into !n picks', () => {
    const text = encodeConsoleReply({
      items: [{ title: 'SQL for Analysts', meta: '$79.00' }],
      buttons: [{ label: 'View', action: '/course show c1' }],
    });
    expect(text).toBe('1. SQL for Analysts\n   $79.00\n[!1] View');
  });
});

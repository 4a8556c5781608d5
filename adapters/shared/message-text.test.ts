import { describe, expect, it } from 'vitest';
import { MAX_LOGGED_TEXT, messageMetadata } from './message-text.ts';

describe('messageMetadata', () => {
  it('keeps text and finds links once', () => {
    expect(messageMetadata(' see https://a.example/x and https://a.example/x ', ['https://b.example'])).toEqual({
      text: 'see https://a.example/x and https://a.example/x',
      urls: ['https://b.example', 'https://a.example/x'],
    });
  });

  it('records nothing for an empty message and caps long ones', () => {
    expect(messageMetadata('   ')).toEqual({});
    expect(messageMetadata('x'.repeat(MAX_LOGGED_TEXT + 10)).text).toHaveLength(MAX_LOGGED_TEXT);
  });
});

import { describe, expect, it } from 'vitest';
import { encodeReply } from './encode.ts';

describe('Slack encoding', () => {
  it('escapes &, < and > so typed mentions and links stay text', () => {
    const { messages } = encodeReply({
      title: 'T',
      text: 'ping <!channel> & <@U123> <https://evil|click>',
      items: [{ title: 'a|b>c', url: 'https://example.com/x' }],
    });
    const texts = JSON.stringify(messages[0]?.blocks);
    expect(texts).toContain('ping &lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|click&gt;');
    expect(texts).toContain('<https://example.com/x|a¦b&gt;c>');
    expect(texts).not.toContain('<!channel>');
  });

  it('defuses plain @channel, @here and @everyone and asks Slack not to parse', () => {
    const { messages } = encodeReply({ text: 'hey @channel and @here', fields: [{ name: 'n', value: '@everyone' }] });
    const blocks = messages[0]?.blocks ?? [];
    expect(JSON.stringify(blocks)).not.toMatch(/@(channel|here|everyone)/);
    expect(blocks[0]?.text).toMatchObject({ type: 'mrkdwn', verbatim: true });
    expect(messages[0]?.text).not.toMatch(/@(channel|here)/);
  });

  it('puts buttons in one actions block with the command line as value', () => {
    const { messages, ephemeral } = encodeReply({
      text: 'x',
      ephemeral: true,
      buttons: [
        { label: 'Do', action: '/recommend dismiss c1', style: 'danger' },
        { label: 'Open', url: 'https://example.com' },
      ],
    });
    expect(ephemeral).toBe(true);
    const actions = messages[0]?.blocks.find((b) => b.type === 'actions');
    expect(actions?.elements).toEqual([
      expect.objectContaining({ action_id: 'cohort_action_0', value: '/recommend dismiss c1', style: 'danger' }),
      expect.objectContaining({ action_id: 'cohort_action_1', url: 'https://example.com' }),
    ]);
  });

  it('keeps a file beside the messages for the upload flow', () => {
    const encoded = encodeReply({
      text: 'Here it is',
      file: {
        filename: 'me.json',
        contentType: 'application/json',
        data: new Uint8Array([123, 125]),
        description: 'Your <data>',
      },
      ephemeral: true,
    });
    expect(encoded.file).toEqual({ filename: 'me.json', title: 'Your <data>', data: new Uint8Array([123, 125]) });
    expect(encoded.ephemeral).toBe(true);
  });
});

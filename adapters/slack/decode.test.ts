import { describe, expect, it } from 'vitest';
import { decodeEvent, SlackEvent } from './decode.ts';

const lookup = async (id: string) => ({ platformUserId: id, handle: id.toLowerCase(), displayName: id });

describe('Slack event decoding', () => {
  it('keeps what the member wrote as plain text, with the links Slack wrapped', async () => {
    const event = SlackEvent.parse({
      type: 'message',
      user: 'U1',
      text: 'Worth reading &amp; sharing: <https://example.com/rag|RAG guide> by <@U2>',
      ts: '1.2',
      channel: 'C1',
    });
    const [posted] = await decodeEvent(event, { team_id: 'T1', event_id: 'Ev1' }, lookup, 'UBOT');
    expect(posted?.verb).toBe('message.posted');
    expect(posted?.metadata).toEqual({
      text: 'Worth reading & sharing: RAG guide https://example.com/rag by <@U2>',
      urls: ['https://example.com/rag'],
    });
  });
});

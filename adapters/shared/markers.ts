import type { RichReply } from '../../core/domain/reply.ts';

/** A symbol for the reply's tone where the platform has no colour (Slack text, Telegram). */
export function toneMarker(tone: RichReply['tone']): string {
  switch (tone) {
    case 'success':
      return '✅ ';
    case 'warning':
      return '⚠️ ';
    case 'error':
      return '❌ ';
    default:
      return '';
  }
}

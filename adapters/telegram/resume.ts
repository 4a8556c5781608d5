import { z } from 'zod';
import type { CommandEnvelope } from '../../core/framework/envelopes.ts';
import { readRecord, StoredEnvelope } from '../shared/resume-sweep.ts';
import type { SendTarget } from './send.ts';

/**
 * Long polling confirms an update only by asking for the ones after it. A poller killed mid-command leaves the update
 * unconfirmed, so Telegram hands it to the next poller, which finds the dead run's lease still holding and asks for
 * the next updates, confirming it unanswered. So a polling gateway keeps, with each claimed command, what it takes
 * to answer it elsewhere (ADR 0018), and the resume sweep answers it once the lease is over.
 */
const ResumeRecord = z.object({
  envelope: StoredEnvelope,
  chatType: z.string(),
  target: z.object({ chatId: z.string(), threadId: z.number().optional(), replyTo: z.number().optional() }),
});
export type TelegramResumeRecord = z.infer<typeof ResumeRecord>;

export function resumeRecord(envelope: CommandEnvelope, chatType: string, target: SendTarget): string {
  return JSON.stringify({ envelope, chatType, target } satisfies TelegramResumeRecord);
}

export function readResumeRecord(stored: string): TelegramResumeRecord | null {
  return readRecord(ResumeRecord, stored);
}

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../adapters/storage/database.ts';
import type { RichReply } from '../../core/domain/reply.ts';
import type { Messenger, PostLookup, PostOptions, PostTarget } from '../../core/ports/messenger.ts';
import type { FaultPoints } from './fault-points.ts';
import { type Acks, type RunControl, type Tally, tally } from './scenario.ts';

/**
 * The platform of the scheduled-post fault scenarios: a channel history kept in a file, so it outlives the process
 * that posted (a platform does), with a nonce lookup like Discord's and Slack's history search. Appends are
 * synchronous: once `post` has written, the post is "on the platform" whatever happens to the process next.
 */

export interface PlatformPost {
  channelId: string;
  nonce: string | null;
  messageId: string;
  title: string | null;
  postedAt: string;
}

export function platformFile(caseKey: string): string {
  const dir = path.join(os.tmpdir(), 'cohort-faults', 'platform');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${caseKey.replace(/[^\w.-]/g, '_')}-${process.ppid}.jsonl`);
}

export function platformPosts(file: string): PlatformPost[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PlatformPost);
}

/** A messenger on that file, with fault points just before and just after the platform takes the post. */
export function filePlatform(file: string, points?: FaultPoints): Messenger {
  return {
    async post(target: PostTarget, reply: RichReply, options?: PostOptions) {
      await points?.reached('sending');
      const messageId = `m-${platformPosts(file).length + 1}-${Date.now()}`;
      const post: PlatformPost = {
        channelId: target.channelId,
        nonce: options?.nonce ?? null,
        messageId,
        title: reply.title ?? null,
        postedAt: new Date().toISOString(),
      };
      appendFileSync(file, `${JSON.stringify(post)}\n`);
      // On the platform; the bot has not heard back yet.
      await points?.reached('platform-has-it');
      return { messageId };
    },
    async findPost(target: PostTarget, nonce: string): Promise<PostLookup> {
      const found = platformPosts(file).find((p) => p.nonce === nonce && p.channelId === target.channelId);
      return found ? { found: true, messageId: found.messageId } : { found: false };
    },
  };
}

/** The invariants every scheduled slot keeps: on the platform exactly once, and its row done. */
export async function checkSlotPostedOnce(
  db: Database,
  t: ReturnType<typeof tally>,
  slot: { key: string; job: string; subject: string; slotAt: Date; file: string; channelId: string },
): Promise<void> {
  const row = await db.prisma.scheduledPost.findUnique({
    where: { job_subject_slotAt: { job: slot.job, subject: slot.subject, slotAt: slot.slotAt } },
  });
  const copies = row
    ? platformPosts(slot.file).filter((p) => p.nonce === row.nonce && p.channelId === slot.channelId).length
    : 0;
  const all = platformPosts(slot.file).filter((p) => p.channelId === slot.channelId).length;
  t.expect(row?.status === 'posted', `${slot.key}: slot is ${row?.status ?? 'missing'}, not posted`, 'lost');
  t.expect(all >= 1 && copies === all, `${slot.key}: ${all} posts in the channel, ${copies} with the slot's nonce`);
  t.expect(all <= 1, `${slot.key}: posted ${all} times`, 'duplicated', all - 1);
  t.expect(all >= 1, `${slot.key}: never posted`, 'lost');
  t.expect(
    row?.messageId != null && platformPosts(slot.file).some((p) => p.messageId === row.messageId),
    `${slot.key}: the slot's message id is not the platform's`,
  );
}

/**
 * The worker loop both scheduled-post scenarios share: each slot posted in turn with the fault point at its key,
 * acknowledged once its run returned, stopping early when draining.
 */
export async function postEachSlot<Op extends { key: string }>(
  ops: readonly Op[],
  points: FaultPoints,
  control: RunControl,
  post: (op: Op) => Promise<unknown>,
): Promise<void> {
  for (const op of ops) {
    if (control.draining()) return;
    points.current = op.key;
    await post(op);
    points.ack(op.key, 'posted');
    await points.reached('acknowledged');
    await control.between();
  }
}

/** Checks `ops` (only the acknowledged ones when `acks` is given) with `checkOne`. */
export async function checkSlots<Op extends { key: string }>(
  ops: readonly Op[],
  checkOne: (op: Op, t: ReturnType<typeof tally>) => Promise<void>,
  acks?: Acks,
): Promise<Tally> {
  const t = tally();
  const posted = acks?.get('posted');
  for (const op of ops) if (!acks || posted?.has(op.key)) await checkOne(op, t);
  return t;
}

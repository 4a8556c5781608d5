import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { PersonalDataSource, PersonalScope } from '../../core/ports/personal-data.ts';
import type { Db } from './database.ts';

/** A member's commands kept resumable, found by the platform identity they were kept under (ADR 0018). */
async function ownerOf(db: Db, { communityId, memberId }: PersonalScope) {
  const member = await db.member.findUnique({
    where: { id: memberId },
    select: { communityId: true, platformUserId: true, community: { select: { platform: true, platformId: true } } },
  });
  if (!member || member.communityId !== communityId) return null;
  return { platform: member.community.platform, spaceId: member.community.platformId, userId: member.platformUserId };
}

/**
 * Commands a member gave that are still being answered (`ResumableCommand`, ADR 0018): the decoded command with
 * their platform id, name and words, and where its answer goes. They live minutes, but they are the member's data.
 * The export lists each as the member gave it and when, not the adapter's record (its interaction token or
 * response_url is a credential for that one answer, not something about them). The erasure deletes them and
 * finishes their deliveries unanswered, in one transaction: a sweep then finds nothing to re-run, a redelivery is a
 * duplicate, and a process still running one keeps no new record of it (keepResumable skips a finished delivery), so
 * none of them is answered later from what was kept. Run before the member becomes a tombstone, whose platform id
 * no longer names them.
 */
export function inFlightCommandsSource(db: Db, clock: Clock, log: Logger): PersonalDataSource {
  const dropLog = log.child({ ns: 'storage' });
  return {
    name: 'commands_in_flight',
    async export(scope: PersonalScope) {
      const owner = await ownerOf(db, scope);
      if (!owner) return [];
      const rows = await db.resumableCommand.findMany({
        where: owner,
        orderBy: { createdAt: 'asc' },
        select: { command: true, createdAt: true },
      });
      return rows.map((row) => ({ platform: owner.platform, receivedAt: row.createdAt, command: row.command }));
    },
    async forget(scope: PersonalScope) {
      const owner = await ownerOf(db, scope);
      if (!owner) return 0;
      const keys = (await db.resumableCommand.findMany({ where: owner, select: { key: true } })).map((r) => r.key);
      if (keys.length === 0) return 0;
      const at = clock.now();
      const [, erased] = await db.$transaction([
        db.processedDelivery.updateMany({
          where: { key: { in: keys }, finishedAt: null },
          data: { finishedAt: at, leaseUntil: null },
        }),
        db.resumableCommand.deleteMany({ where: { key: { in: keys } } }),
      ]);
      // Why these deliveries were never answered, for whoever looks for them: their keys (platform delivery ids) only.
      dropLog.info({ deliveries: keys }, 'commands in flight of an erased member dropped unanswered');
      return erased.count;
    },
  };
}

import type { Database, Db } from '../../adapters/storage/database.ts';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { PrismaKolStore } from '../../adapters/storage/interactions-kol-store.ts';
import { PrismaWeeklyReportStore } from '../../adapters/storage/interactions-weekly-report-store.ts';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import { catalog } from '../../bots/features.ts';
import { ScheduledPostRunner } from '../../core/framework/scheduled-posts.ts';
import { Translator } from '../../core/i18n/translate.ts';
import { KolService } from '../../core/interactions/kol-service.ts';
import { WEEKLY_REPORT_JOB, WeeklyReportService } from '../../core/interactions/weekly-report.ts';
import { ManualClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { Messenger } from '../../core/ports/messenger.ts';
import type { FaultPoints } from './fault-points.ts';
import type { FaultScenario, tally } from './scenario.ts';
import {
  checkSlotPostedOnce,
  checkSlots,
  filePlatform,
  platformFile,
  postEachSlot,
} from './scheduled-post-platform.ts';

/**
 * The weekly report, broken at each step through the real WeeklyReportService, runner and stores: the slot claimed,
 * the report handed to the platform, the platform holding it before the bot heard back, and the acknowledgement.
 * Each operation is one community's Monday 09:00 report. The redelivery is the next scheduler tick after the lease;
 * every report must then be on the platform exactly once.
 */

export interface WeeklyOp {
  key: string;
  communityId: string;
  channelId: string;
  file: string;
}

const NOW = new Date('2026-11-23T09:30:00.000Z');
const NEXT_TICK = new Date('2026-11-23T09:45:00.000Z');
const SLOT = new Date('2026-11-23T09:00:00.000Z');

function reportsOn(prisma: Db, messenger: Messenger, clock: ManualClock): WeeklyReportService {
  const core = createCoreStores(prisma);
  return new WeeklyReportService({
    store: new PrismaWeeklyReportStore(prisma),
    kol: new KolService({
      store: new PrismaKolStore(prisma),
      events: core.events,
      members: core.members,
      log: silentLogger,
    }),
    ledger: undefined,
    communities: core.communities,
    translator: new Translator(catalog),
    posts: new ScheduledPostRunner({
      store: new PrismaScheduledPostStore(prisma),
      messenger,
      clock,
      log: silentLogger,
    }),
    clock,
    log: silentLogger,
  });
}

function instrumented(db: Database, points: FaultPoints): Db {
  return db.prisma.$extends({
    query: {
      scheduledPost: {
        async create({ args, query }) {
          const result = await query(args);
          await points.reached('claimed');
          return result;
        },
      },
    },
  }) as unknown as Db;
}

/** Only this case's reports are on while it runs (the service posts every enabled one). */
async function setEnabled(db: Db, ops: readonly WeeklyOp[], enabled: boolean): Promise<void> {
  await db.weeklyReportSetting.updateMany({
    where: { communityId: { in: ops.map((o) => o.communityId) } },
    data: { enabled },
  });
}

export const weeklyReportScenario: FaultScenario<WeeklyOp> = {
  name: 'weekly-report',
  steps: ['claimed', 'sending', 'platform-has-it', 'acknowledged'],
  key: (op) => op.key,

  async prepare(db, caseKey, count) {
    const core = createCoreStores(db.prisma);
    const store = new PrismaWeeklyReportStore(db.prisma);
    const file = platformFile(caseKey);
    const ops: WeeklyOp[] = [];
    for (let i = 0; i < count; i++) {
      const community = await core.communities.ensure('console', `${caseKey}-${i}`, { name: `${caseKey} ${i}` });
      const channelId = `${caseKey}-reports-${i}`;
      await store.saveSetting({
        communityId: community.id,
        channelId,
        enabled: false,
        locale: i % 2 === 0 ? 'en' : 'zh-CN',
        enabledAt: new Date('2026-11-01T00:00:00.000Z'),
        updatedAt: new Date('2026-11-01T00:00:00.000Z'),
      });
      ops.push({ key: `${caseKey}:weekly:${i}`, communityId: community.id, channelId, file });
    }
    return { communityId: ops[0]?.communityId ?? '', ops };
  },

  async run(db, _communityId, ops, points, control) {
    const prisma = instrumented(db, points);
    const reports = reportsOn(prisma, filePlatform(ops[0]?.file ?? '', points), new ManualClock(NOW));
    // Turned on one at a time, so each run posts this op's report (the earlier ones are done already).
    await postEachSlot(ops, points, control, async (op) => {
      await setEnabled(db.prisma, [op], true);
      await reports.runDue();
    });
  },

  afterFault: (db, _communityId, ops, acks) => checkSlots(ops, (op, t) => checkReport(db, op, t), acks),

  async redeliver(db, _communityId, ops) {
    await setEnabled(db.prisma, ops, true);
    await reportsOn(db.prisma, filePlatform(ops[0]?.file ?? ''), new ManualClock(NEXT_TICK)).runDue();
  },

  async check(db, _communityId, ops) {
    const t = await checkSlots(ops, (op, t) => checkReport(db, op, t));
    await setEnabled(db.prisma, ops, false);
    return t;
  },
};

function checkReport(db: Database, op: WeeklyOp, t: ReturnType<typeof tally>): Promise<void> {
  return checkSlotPostedOnce(db, t, {
    key: op.key,
    job: WEEKLY_REPORT_JOB,
    subject: op.communityId,
    slotAt: SLOT,
    file: op.file,
    channelId: op.channelId,
  });
}

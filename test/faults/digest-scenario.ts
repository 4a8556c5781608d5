import { createContentStores } from '../../adapters/storage/content-storage.ts';
import type { Database, Db } from '../../adapters/storage/database.ts';
import { createCoreStores } from '../../adapters/storage/index.ts';
import { PrismaScheduledPostStore } from '../../adapters/storage/scheduled-post-store.ts';
import { catalog } from '../../bots/features.ts';
import { DIGEST_JOB, DigestService } from '../../core/content/digest/digest-service.ts';
import type { NewContentItem } from '../../core/content/types.ts';
import { ScheduledPostRunner } from '../../core/framework/scheduled-posts.ts';
import { Translator } from '../../core/i18n/translate.ts';
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
 * A scheduled digest post, broken at each of its steps through the real DigestService, the real scheduled-post
 * runner and the real stores: the slot claimed, the run opened (building), the post handed to the platform, the
 * platform holding it before the bot heard back, the deliveries being recorded, and the acknowledgement. Each
 * operation is one schedule's 09:00 slot, in its own channel. A platform retry here is the next scheduler tick,
 * after the dead owner's lease has run out: the slot must then be on the platform exactly once, its row posted and
 * its items recorded as delivered once.
 */

export interface DigestOp {
  key: string;
  scheduleId: string;
  channelId: string;
  file: string;
}

/** The worker runs at 09:30; the next tick (the redelivery) comes after the 10-minute lease. */
const NOW = new Date('2026-11-23T09:30:00.000Z');
const NEXT_TICK = new Date('2026-11-23T09:45:00.000Z');
const SLOT = new Date('2026-11-23T09:00:00.000Z');
const ITEMS = 4;

function digestsOn(prisma: Db, messenger: Messenger, clock: ManualClock): DigestService {
  const core = createCoreStores(prisma);
  return new DigestService({
    stores: createContentStores(prisma),
    events: core.events,
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
    modelId: 'fault-suite',
  });
}

/** Worker side: fault points where the service writes its own rows (the claim, the run, the deliveries). */
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
      digestRun: {
        async create({ args, query }) {
          const result = await query(args);
          await points.reached('building');
          return result;
        },
      },
      digestDelivery: {
        async create({ args, query }) {
          const result = await query(args);
          await points.reached('recording-deliveries');
          return result;
        },
      },
    },
  }) as unknown as Db;
}

async function postSlot(digests: DigestService, prisma: Db, op: DigestOp): Promise<void> {
  const schedule = await createContentStores(prisma).schedules.get(op.scheduleId);
  if (!schedule) throw new Error(`schedule ${op.scheduleId} is gone`);
  await digests.runSchedule(schedule);
}

export const digestScenario: FaultScenario<DigestOp> = {
  name: 'digest-post',
  steps: ['claimed', 'building', 'sending', 'platform-has-it', 'recording-deliveries', 'acknowledged'],
  key: (op) => op.key,

  async prepare(db, caseKey, count) {
    const core = createCoreStores(db.prisma);
    const stores = createContentStores(db.prisma);
    const community = await core.communities.ensure('console', caseKey, { name: caseKey });
    const source = await stores.sources.create({
      communityId: community.id,
      kind: 'feed',
      url: `https://example.com/${caseKey}/feed.xml`,
      title: 'Example feed',
      topics: [],
      intervalMs: 3_600_000,
      noticeChannelId: null,
      createdById: null,
      nextFetchAt: new Date(NOW.getTime() + 3_600_000),
    });
    const items: NewContentItem[] = Array.from({ length: ITEMS }, (_, i) => {
      const embedding = new Float32Array(ITEMS);
      embedding[i] = 1;
      return {
        communityId: community.id,
        sourceId: source.id,
        guid: `${caseKey}-${i}`,
        url: `https://example.com/${caseKey}/${i}`,
        canonicalUrl: `https://example.com/${caseKey}/${i}`,
        title: `Article ${i} of ${caseKey}`,
        text: `A worked case study number ${i}, with a checklist.`,
        language: 'en',
        contentHash: `${caseKey}-hash-${i}`,
        publishedAt: new Date(NOW.getTime() - (i + 2) * 3_600_000),
        fetchedAt: new Date(NOW.getTime() - 3_600_000),
        quality: 0.9 - i * 0.05,
        sentiment: 0,
        topics: [],
        embedding,
        dropReason: null,
        duplicateOfId: null,
        reactions: 0,
      };
    });
    await stores.items.insertMany(items);
    const file = platformFile(caseKey);
    const ops: DigestOp[] = [];
    for (let i = 0; i < count; i++) {
      const channelId = `${caseKey}-ch${i}`;
      const schedule = await stores.schedules.create({
        communityId: community.id,
        channelId,
        cron: '0 9 * * *',
        timezone: 'UTC',
        topics: [],
        minScore: 0,
        maxItems: 3,
        language: 'any',
        requiresApproval: false,
        createdById: null,
        createdAt: new Date('2026-11-01T00:00:00.000Z'),
      });
      ops.push({ key: `${caseKey}:digest:${i}`, scheduleId: schedule.id, channelId, file });
    }
    return { communityId: community.id, ops };
  },

  async run(db, _communityId, ops, points, control) {
    const prisma = instrumented(db, points);
    const digests = digestsOn(prisma, filePlatform(ops[0]?.file ?? '', points), new ManualClock(NOW));
    await postEachSlot(ops, points, control, (op) => postSlot(digests, prisma, op));
  },

  afterFault: (db, _communityId, ops, acks) => checkSlots(ops, (op, t) => checkDigest(db, op, t), acks),

  async redeliver(db, _communityId, ops) {
    const digests = digestsOn(db.prisma, filePlatform(ops[0]?.file ?? ''), new ManualClock(NEXT_TICK));
    for (const op of ops) await postSlot(digests, db.prisma, op);
  },

  check: (db, _communityId, ops) => checkSlots(ops, (op, t) => checkDigest(db, op, t)),
};

async function checkDigest(db: Database, op: DigestOp, t: ReturnType<typeof tally>): Promise<void> {
  await checkSlotPostedOnce(db, t, {
    key: op.key,
    job: DIGEST_JOB,
    subject: op.scheduleId,
    slotAt: SLOT,
    file: op.file,
    channelId: op.channelId,
  });
  const run = await createContentStores(db.prisma).runs.getBySlot(op.scheduleId, SLOT);
  t.expect(run?.status === 'posted', `${op.key}: digest run is ${run?.status ?? 'missing'}`, 'lost');
  const picked = run?.itemIds ?? [];
  t.expect(picked.length > 0, `${op.key}: the digest picked nothing`, 'lost');
  const deliveries = await db.prisma.digestDelivery.findMany({ where: { runId: run?.id ?? '' } });
  const delivered = new Set(deliveries.map((d) => d.itemId));
  t.expect(
    picked.every((id) => delivered.has(id)),
    `${op.key}: ${picked.length - delivered.size} picked items not recorded as delivered`,
    'lost',
  );
  t.expect(
    deliveries.length === delivered.size,
    `${op.key}: ${deliveries.length - delivered.size} deliveries recorded twice`,
    'duplicated',
    deliveries.length - delivered.size,
  );
}

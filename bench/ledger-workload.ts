import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { pgEventsParam, pgTimestamp, SQLITE_INSERT_EVENT } from '../adapters/storage/event-rows.ts';
import { TIP_SQL, TIP_STATEMENT_NAME } from '../adapters/storage/ledger-store-postgres.ts';
import { SQLITE_LEDGER_SQL as SQL } from '../adapters/storage/ledger-store-sqlite.ts';
import { sqliteTimestamp } from '../adapters/storage/sqlite-driver-adapter.ts';
import type { NewInteractionEvent } from '../core/domain/types.ts';
import { PLAN, tipPlan } from '../test/interactions/tip-plan.ts';

/**
 * The ledger bench's workload and its raw-driver references. Both sides send the same tips (the concurrency
 * test's plan: 400 members, amounts 1-5) under the same policy (a generous allowance, so every tip is an
 * allowance tip with two postings); the references run exactly the statements the product's stores run for a tip
 * (adapters/storage/ledger-store-{sqlite,postgres}.ts), one transaction per tip, with nothing else: no service,
 * no Prisma, no ring check, no flags.
 */

export const NOW = new Date('2026-11-20T02:00:00.000Z');
export const BENCH_POLICY = { dailyAllowance: 1_000_000, dailySendCap: 1_000_000_000, pairCooldownMs: 0 };
export const RING_WINDOW_MS = 7 * 86_400_000;
export const HANDLES = Array.from({ length: PLAN.members }, (_, i) => `m${String(i).padStart(3, '0')}`);

export interface BenchTip {
  key: string;
  from: number;
  to: number;
  amount: number;
}

/** Worker `w` of `workers` sends every `workers`-th tip of the plan, first `count` of them. */
export function benchTips(count: number, w = 0, workers = 1, prefix = 'bench'): BenchTip[] {
  return tipPlan()
    .filter((_, i) => i % workers === w)
    .slice(0, count)
    .map((t) => ({ ...t, key: `${prefix}-${t.key}` }));
}

export interface Ids {
  communityId: string;
  /** Member ids, by plan index. */
  members: string[];
  /** Ledger account ids, by plan index, and the mint's. */
  accounts: string[];
  mint: string;
}

const tipEvent = (ids: Ids, tip: BenchTip, transferId: string): NewInteractionEvent => ({
  communityId: ids.communityId,
  actorId: ids.members[tip.from] as string,
  verb: 'tip.sent',
  objectType: 'transfer',
  objectId: transferId,
  targetMemberId: ids.members[tip.to] as string,
  channelId: null,
  platform: 'console',
  occurredAt: NOW,
  metadata: { amount: tip.amount },
  dedupKey: `tip:${transferId}`,
});

/** Raw better-sqlite3: the SQLite store's statements for one tip, in one BEGIN IMMEDIATE … COMMIT. */
export function rawSqliteTip(db: BetterSqlite3.Database, ids: Ids, tip: BenchTip): void {
  const at = sqliteTimestamp(NOW);
  const day = '2026-11-20';
  const from = ids.accounts[tip.from] as string;
  const to = ids.accounts[tip.to] as string;
  const st = statements(db);
  st.begin.run();
  try {
    st.existing.get(ids.communityId, tip.key);
    const sender = st.sender.get(from) as { balance: number; day: string; allowanceUsed: number; sentToday: number };
    const used = sender.day === day ? sender.allowanceUsed : 0;
    const sent = sender.day === day ? sender.sentToday : 0;
    const fa = Math.min(tip.amount, Math.max(0, BENCH_POLICY.dailyAllowance - used));
    st.pair.get(ids.communityId, ids.members[tip.from], ids.members[tip.to], at, at);
    st.debitTip.get(tip.amount - fa, day, used + fa, sent + tip.amount, fa, from);
    st.credit.get(tip.amount, to);
    const transferId = randomUUID();
    st.transfer.run(
      transferId,
      ids.communityId,
      tip.key,
      'tip',
      ids.members[tip.from],
      ids.members[tip.to],
      tip.amount,
      fa,
      null,
      ids.members[tip.from],
      at,
      tip.key,
    );
    if (fa > 0) st.posting.run(ids.communityId, transferId, ids.mint, -fa);
    if (tip.amount - fa > 0) st.posting.run(ids.communityId, transferId, from, -(tip.amount - fa));
    st.posting.run(ids.communityId, transferId, to, tip.amount);
    const e = tipEvent(ids, tip, transferId);
    st.event.run(
      randomUUID(),
      e.communityId,
      e.actorId,
      e.verb,
      e.objectType,
      e.objectId,
      e.targetMemberId,
      null,
      e.platform,
      at,
      JSON.stringify(e.metadata),
      e.dedupKey,
    );
    st.around.all(
      ids.communityId,
      sqliteTimestamp(new Date(NOW.getTime() - RING_WINDOW_MS)),
      ids.members[tip.to],
      ids.members[tip.from],
    );
    st.commit.run();
  } catch (error) {
    if (db.inTransaction) st.rollback.run();
    throw error;
  }
}

const prepared = new WeakMap<BetterSqlite3.Database, ReturnType<typeof prepareAll>>();
function prepareAll(db: BetterSqlite3.Database) {
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    existing: db.prepare(SQL.existing),
    sender: db.prepare(SQL.sender),
    pair: db.prepare(SQL.pair),
    debitTip: db.prepare(SQL.debitTip),
    credit: db.prepare(SQL.credit),
    transfer: db.prepare(SQL.transfer),
    posting: db.prepare(SQL.posting),
    event: db.prepare(SQLITE_INSERT_EVENT),
    around: db.prepare(SQL.around),
  };
}
function statements(db: BetterSqlite3.Database) {
  let st = prepared.get(db);
  if (!st) {
    st = prepareAll(db);
    prepared.set(db, st);
  }
  return st;
}

/** Raw pg: the PostgreSQL store's one tip statement, as the same named prepared statement. */
export function rawPostgresTip(pool: pg.Pool, ids: Ids, tip: BenchTip): Promise<unknown> {
  const transferId = randomUUID();
  return pool.query({
    name: TIP_STATEMENT_NAME,
    text: TIP_SQL,
    values: [
      ids.accounts[tip.from],
      ids.accounts[tip.to],
      ids.mint,
      ids.communityId,
      tip.key,
      tip.amount,
      '2026-11-20',
      BENCH_POLICY.dailyAllowance,
      BENCH_POLICY.dailySendCap,
      ids.members[tip.from],
      ids.members[tip.to],
      pgTimestamp(NOW),
      pgTimestamp(NOW),
      transferId,
      null,
      ids.members[tip.from],
      true,
      pgTimestamp(new Date(NOW.getTime() - RING_WINDOW_MS)),
      tip.key,
      pgEventsParam([tipEvent(ids, tip, transferId)]),
    ],
  });
}

/** Runs `send` over the tips with `width` in flight; returns tips per second. */
export async function pump<T>(tips: T[], width: number, send: (tip: T) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tips.length) await send(tips[next++] as T);
    }),
  );
  return tips.length / ((performance.now() - started) / 1000);
}

/** Member and account ids of the bench community (accounts created here when missing, as the stores would). */
export async function benchIds(
  prisma: import('../adapters/storage/database.ts').Db,
  communityId: string,
): Promise<Ids> {
  const members = await prisma.member.findMany({ where: { communityId }, orderBy: { handle: 'asc' } });
  const byHandle = new Map(members.map((m) => [m.handle, m.id]));
  const memberIds = HANDLES.map((h) => byHandle.get(h) as string);
  const account = async (key: string, memberId: string | null) =>
    (
      await prisma.ledgerAccount.upsert({
        where: { communityId_key: { communityId, key } },
        create: { communityId, key, memberId },
        update: {},
        select: { id: true },
      })
    ).id;
  const accounts: string[] = [];
  for (const id of memberIds) accounts.push(await account(`member:${id}`, id));
  return { communityId, members: memberIds, accounts, mint: await account('mint', null) };
}

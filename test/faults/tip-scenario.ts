import pg from 'pg';
import { PrismaCommunityStore, PrismaMemberStore } from '../../adapters/storage/community-stores.ts';
import type { Database } from '../../adapters/storage/database.ts';
import { SQLITE_INSERT_EVENT } from '../../adapters/storage/event-rows.ts';
import { createLedgerStore } from '../../adapters/storage/interactions-storage.ts';
import type { Statement } from '../../adapters/storage/sqlite-connection.ts';
import type { Community, Member } from '../../core/domain/types.ts';
import { LedgerService } from '../../core/interactions/ledger-service.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { seededRandom } from '../../core/ports/random.ts';
import type { FaultPoints } from './fault-points.ts';
import { type Acks, type FaultScenario, tally } from './scenario.ts';

/**
 * A tip, broken at each of its steps: received (nothing written yet), in its transaction (written, not committed:
 * on SQLite inside the synchronous transaction, on PostgreSQL with the statement sent and waiting on a row lock in
 * the server), committed but not yet acknowledged, and acknowledged. Members start with enough points for every tip
 * of the case and no daily allowance, so every tip moves real balances and each member's expected balance is exact.
 */

export interface TipOp {
  key: string;
  from: number;
  to: number;
  amount: number;
}

const MEMBERS = 4;
/** Starting balance per tip a case makes (at most 5 points each), so nobody runs out, whoever sends them. */
const START_PER_TIP = 5;
const NOW = new Date('2026-11-20T02:00:00.000Z');
/** No allowance: tips spend balances, so a double or a lost tip shows in them. */
export const TIP_POLICY = { dailyAllowance: 0, dailySendCap: 1_000_000, pairCooldownMs: 0 };

const handle = (i: number) => `m${i}`;

async function membersOf(db: Database, communityId: string): Promise<Member[]> {
  const members = await new PrismaMemberStore(db.prisma).list(communityId, { limit: 100 });
  return members.filter((m) => /^m\d+$/.test(m.handle)).sort((a, b) => a.handle.localeCompare(b.handle));
}

function tipOf(ledger: LedgerService, community: Community, members: Member[], op: TipOp) {
  return ledger.tip({
    community,
    sender: members[op.from] as Member,
    recipient: members[op.to] as Member,
    amount: op.amount,
    reason: null,
    idempotencyKey: op.key,
    now: NOW,
    platform: 'console',
  });
}

/** Worker side: announces `in-transaction` from inside the tip's own transaction, whichever the provider. */
function instrument(db: Database, communityId: string, members: Member[], ops: TipOp[], points: FaultPoints): void {
  const driver = db.driver;
  if (driver.provider === 'sqlite') {
    const { connection } = driver;
    const statement = connection.statement.bind(connection);
    connection.statement = (sql: string): Statement => {
      const prepared = statement(sql);
      if (sql !== SQLITE_INSERT_EVENT) return prepared;
      // The tip's last write (its event) is done and COMMIT has not run yet.
      return new Proxy(prepared, {
        get(target, prop) {
          const value = Reflect.get(target, prop);
          if (prop !== 'run') return typeof value === 'function' ? value.bind(target) : value;
          return (...args: unknown[]) => {
            const result = target.run(...args);
            points.reachedSync('in-transaction');
            return result;
          };
        },
      });
    };
    return;
  }
  const { pool } = driver;
  const query = pool.query.bind(pool) as (config: unknown) => Promise<unknown>;
  (pool as unknown as { query: (config: unknown) => Promise<unknown> }).query = async (config: unknown) => {
    const named = typeof config === 'object' && config !== null && 'name' in config;
    const op = ops.find((o) => o.key === points.current);
    if (!named || !op || !String((config as { name?: string }).name).startsWith('cohort_ledger_tip')) {
      return query(config);
    }
    // Hold the sender's row from another connection, so the tip statement waits inside the server.
    const lock = new pg.Client({ connectionString: (pool.options as { connectionString: string }).connectionString });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query(`SELECT 1 FROM "LedgerAccount" WHERE "communityId" = $1 AND "key" = $2 FOR UPDATE`, [
      communityId,
      `member:${(members[op.from] as Member).id}`,
    ]);
    const sent = query(config);
    await points.reached('in-transaction');
    await lock.query('COMMIT');
    await lock.end();
    return sent;
  };
}

export const tipScenario: FaultScenario<TipOp> = {
  name: 'tip',
  steps: ['received', 'in-transaction', 'committed', 'acknowledged'],
  key: (op) => op.key,

  async prepare(db, caseKey, count) {
    const communities = new PrismaCommunityStore(db.prisma);
    const memberStore = new PrismaMemberStore(db.prisma);
    const community = await communities.ensure('console', caseKey, { name: caseKey });
    const members: Member[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      members.push(
        await memberStore.ensure(community.id, {
          platformUserId: `${caseKey}-${i}`,
          handle: handle(i),
          displayName: handle(i),
        }),
      );
    }
    const ledger = new LedgerService({ store: createLedgerStore(db), log: silentLogger, policy: TIP_POLICY });
    // Staff cannot grant to themselves: the starting balances come from a moderator outside the tipping members.
    const treasurer = await memberStore.ensure(community.id, {
      platformUserId: `${caseKey}-treasurer`,
      handle: 'treasurer',
      displayName: 'treasurer',
    });
    for (const [i, member] of members.entries()) {
      await ledger.adjust({
        community,
        moderator: treasurer,
        member,
        action: 'grant',
        amount: START_PER_TIP * count,
        reason: 'starting balance',
        idempotencyKey: `${caseKey}:seed:${i}`,
        now: NOW,
      });
    }
    const random = seededRandom(caseKey.length * 7919 + count);
    const ops = Array.from({ length: count }, (_, i) => {
      const from = Math.floor(random() * MEMBERS);
      const to = (from + 1 + Math.floor(random() * (MEMBERS - 1))) % MEMBERS;
      return { key: `${caseKey}:tip:${i}`, from, to, amount: 1 + Math.floor(random() * 5) };
    });
    return { communityId: community.id, ops };
  },

  async run(db, communityId, ops, points, control) {
    const community = (await new PrismaCommunityStore(db.prisma).get(communityId)) as Community;
    const members = await membersOf(db, communityId);
    instrument(db, communityId, members, ops, points);
    const ledger = new LedgerService({ store: createLedgerStore(db), log: silentLogger, policy: TIP_POLICY });
    for (const op of ops) {
      if (control.draining()) return;
      points.current = op.key;
      await points.reached('received');
      await tipOf(ledger, community, members, op);
      await points.reached('committed');
      points.ack(op.key, 'tipped');
      await points.reached('acknowledged');
      await control.between();
    }
  },

  async afterFault(db, communityId, _ops, acks: Acks) {
    const t = tally();
    const acked = [...(acks.get('tipped') ?? [])];
    const found = await db.prisma.ledgerTransfer.findMany({
      where: { communityId, idempotencyKey: { in: acked } },
      select: { idempotencyKey: true },
    });
    const missing = acked.length - found.length;
    t.expect(missing === 0, `${missing} acknowledged tips missing after the fault`, 'lost', missing);
    await checkBooks(db, communityId, t);
    return t;
  },

  async redeliver(db, communityId, ops) {
    const community = (await new PrismaCommunityStore(db.prisma).get(communityId)) as Community;
    const members = await membersOf(db, communityId);
    const ledger = new LedgerService({ store: createLedgerStore(db), log: silentLogger, policy: TIP_POLICY });
    for (const op of ops) await tipOf(ledger, community, members, op);
  },

  async check(db, communityId, ops) {
    const t = tally();
    const transfers = await db.prisma.ledgerTransfer.findMany({
      where: { communityId, kind: 'tip' },
      select: { id: true, idempotencyKey: true },
    });
    const keys = new Set(ops.map((o) => o.key));
    const applied = transfers.filter((tr) => keys.has(tr.idempotencyKey));
    t.expect(
      applied.length === ops.length,
      `${ops.length - applied.length} tips never applied`,
      'lost',
      ops.length - applied.length,
    );
    const extra = transfers.length - applied.length;
    t.expect(extra === 0, `${extra} tips applied that were never sent`, 'duplicated', extra);
    const events = await db.prisma.interactionEvent.groupBy({
      by: ['objectId'],
      where: { communityId, verb: 'tip.sent' },
      _count: { _all: true },
    });
    const perTransfer = new Map(events.map((e) => [e.objectId, e._count._all]));
    const withoutEvent = transfers.filter((tr) => !perTransfer.has(tr.id)).length;
    const doubled = [...perTransfer.values()].filter((n) => n > 1).length;
    t.expect(withoutEvent === 0, `${withoutEvent} tips without their tip.sent`, 'lost', withoutEvent);
    t.expect(doubled === 0, `${doubled} tips with more than one tip.sent`, 'duplicated', doubled);
    t.expect(events.length === transfers.length, `${events.length} tip.sent events for ${transfers.length} tips`);
    // Each member's balance is exactly the start, minus what they sent, plus what they received, once each.
    const members = await membersOf(db, communityId);
    const grants = await db.prisma.ledgerTransfer.findMany({ where: { communityId, kind: 'grant' } });
    const expected = members.map((m) => grants.filter((g) => g.toMemberId === m.id).reduce((n, g) => n + g.amount, 0));
    for (const op of ops) {
      expected[op.from] = (expected[op.from] as number) - op.amount;
      expected[op.to] = (expected[op.to] as number) + op.amount;
    }
    const accounts = await db.prisma.ledgerAccount.findMany({ where: { communityId, key: { startsWith: 'member:' } } });
    const balance = new Map(accounts.map((a) => [a.memberId, a.balance]));
    members.forEach((m, i) => {
      const actual = balance.get(m.id) ?? 0;
      const want = expected[i] as number;
      t.expect(actual === want, `${m.handle} has ${actual} points, expected ${want}`);
    });
    await checkBooks(db, communityId, t);
    return t;
  },
};

/** Every ledger invariant of the community (balanced, events, audit). */
export async function checkBooks(db: Database, communityId: string, t: ReturnType<typeof tally>): Promise<void> {
  const counts = await createLedgerStore(db).integrity(communityId);
  const { transfers: _size, ...problems } = counts;
  for (const [name, n] of Object.entries(problems)) {
    t.expect(n === 0, `ledger: ${name} = ${n}`, name.includes('Without') ? 'lost' : 'broken', Math.abs(n));
  }
}

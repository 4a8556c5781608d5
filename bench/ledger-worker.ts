/**
 * One process of the PostgreSQL ledger bench: `node --import tsx bench/ledger-worker.ts <product|raw> <url>
 * <community id> <worker> <count> <width>`. `product` sends tips through LedgerService and the product's store;
 * `raw` sends the store's tip statement through a plain pg pool. Both settle each tip's command delivery in it,
 * as /tip does. Warms up, prints READY, waits for a line on stdin,
 * then times its tips and prints `{ tips, seconds }`.
 */
import pg from 'pg';
import { openDatabase, parseDatabaseUrl } from '../adapters/storage/database.ts';
import { createLedgerStore } from '../adapters/storage/interactions-storage.ts';
import type { Community, Member } from '../core/domain/types.ts';
import { LedgerService } from '../core/interactions/ledger-service.ts';
import { silentLogger } from '../core/ports/logger.ts';
import {
  BENCH_POLICY,
  type BenchTip,
  benchIds,
  benchTips,
  NOW,
  pump,
  rawPostgresTip,
  tipDelivery,
} from './ledger-workload.ts';

const [mode, url, communityId, workerArg, countArg, widthArg] = process.argv.slice(2);
const worker = Number(workerArg);
const count = Number(countArg);
const width = Number(widthArg);
const WARM_UP = 100;
const tips = benchTips(count + WARM_UP, worker, 2, `${mode}`);

let send: (tip: BenchTip) => Promise<unknown>;
let close: () => Promise<void>;
if (mode === 'raw') {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = await openDatabase(parseDatabaseUrl(url as string)!, { log: silentLogger, migrate: false });
  const ids = await benchIds(db.prisma, communityId as string);
  await db.close();
  send = (tip) => rawPostgresTip(pool, ids, tip);
  close = () => pool.end();
} else {
  const db = await openDatabase(parseDatabaseUrl(url as string)!, { log: silentLogger, migrate: false });
  const community = (await db.prisma.community.findUniqueOrThrow({
    where: { id: communityId as string },
  })) as Community;
  const members = (await db.prisma.member.findMany({ where: { communityId }, orderBy: { handle: 'asc' } })) as Member[];
  const ledger = new LedgerService({ store: createLedgerStore(db), log: silentLogger, policy: BENCH_POLICY });
  send = (tip) =>
    ledger.tip({
      community,
      sender: members[tip.from] as Member,
      recipient: members[tip.to] as Member,
      amount: tip.amount,
      reason: null,
      idempotencyKey: tip.key,
      now: NOW,
      platform: 'console',
      // As /tip runs it: the command delivery claimed and finished in the tip's own statement.
      delivery: tipDelivery(community.id, (members[tip.from] as Member).id, tip.key),
    });
  close = () => db.close();
}
await pump(tips.slice(0, WARM_UP), width, send);
// Both processes start timing together: the parent says go once both are warm.
process.stdout.write('READY\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const started = performance.now();
await pump(tips.slice(WARM_UP), width, send);
const seconds = (performance.now() - started) / 1000;
await close();
process.stdout.write(`${JSON.stringify({ tips: count, seconds })}\n`);

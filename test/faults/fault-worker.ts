/**
 * A process of the fault suite: `node --import tsx fault-worker.ts <database url> <scenario> <community id>
 * <ops file> [<fault step> <fault key>]`. Runs the scenario's operations one at a time, acknowledging each on stdout,
 * and holds at the fault step (fault-points.ts) for the parent's signal. SIGTERM drains like the app does: the
 * operation under way finishes, no new one starts, the database closes, exit 0.
 */
import { readFileSync } from 'node:fs';
import { openDatabase, parseDatabaseUrl } from '../../adapters/storage/database.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { faultPoints } from './fault-points.ts';
import { SCENARIOS } from './scenarios.ts';

const [url, scenarioName, communityId, opsFile, step, key] = process.argv.slice(2);
const scenario = SCENARIOS.find((s) => s.name === scenarioName);
const target = parseDatabaseUrl(url as string);
if (!scenario || !target) throw new Error(`usage: fault-worker <url> <scenario> <community> <ops> [step key]`);

let draining = false;
let stopped: () => void = () => {};
const stoppedNow = new Promise<void>((resolve) => {
  stopped = resolve;
});
process.on('SIGTERM', () => {
  draining = true;
  stopped();
});

const db = await openDatabase(target, { log: silentLogger, migrate: false });
const ops = JSON.parse(readFileSync(opsFile as string, 'utf8')) as unknown[];
const points = faultPoints(step && key ? { step, key } : null);
process.stdout.write('READY\n');
// A bystander (no fault) paces itself, so it shares the machine with the case under test instead of starving it.
const pace = step ? 0 : Number(process.env.FAULT_BYSTANDER_PACE_MS ?? 20);
await scenario.run(db, communityId as string, ops as never[], points, {
  draining: () => draining,
  between: () =>
    pace ? Promise.race([new Promise<void>((resolve) => setTimeout(resolve, pace)), stoppedNow]) : Promise.resolve(),
});
await db.close();
process.stdout.write('DONE\n');
process.exit(0);

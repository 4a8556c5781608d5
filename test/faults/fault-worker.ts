/**
 * A process of the fault suite: `node --import tsx fault-worker.ts <database url>`. Opens the database, prints READY,
 * then reads its case from the first line of stdin (`{ scenario, communityId, opsFile, step?, key? }`), so the parent
 * can start the next case's process while the current case runs. Runs the scenario's operations one at a time,
 * acknowledging each on stdout, and holds at the fault step (fault-points.ts) for the parent's signal. SIGTERM drains
 * like the app does: the operation under way finishes, no new one starts, the database closes, exit 0.
 */
import { readFileSync } from 'node:fs';
import { openDatabase, parseDatabaseUrl } from '../../adapters/storage/database.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { faultPoints } from './fault-points.ts';
import { SCENARIOS } from './scenarios.ts';

const target = parseDatabaseUrl(process.argv[2] ?? '');
if (!target) throw new Error('usage: fault-worker <database url>');

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
process.stdout.write('READY\n');
const {
  scenario: scenarioName,
  communityId,
  opsFile,
  step,
  key,
} = JSON.parse(
  await new Promise<string>((resolve) => {
    let input = '';
    process.stdin.on('data', (chunk) => {
      input += chunk;
      if (input.includes('\n')) resolve(input.slice(0, input.indexOf('\n')));
    });
  }),
) as { scenario: string; communityId: string; opsFile: string; step?: string; key?: string };
const scenario = SCENARIOS.find((s) => s.name === scenarioName);
if (!scenario) throw new Error(`unknown scenario ${scenarioName}`);
const ops = JSON.parse(readFileSync(opsFile, 'utf8')) as unknown[];
const points = faultPoints(step && key ? { step, key } : null);
// A bystander (no fault) paces itself, so it shares the machine with the case under test instead of starving it.
const pace = step ? 0 : Number(process.env.FAULT_BYSTANDER_PACE_MS ?? 20);
await scenario.run(db, communityId, ops as never[], points, {
  draining: () => draining,
  between: () =>
    pace ? Promise.race([new Promise<void>((resolve) => setTimeout(resolve, pace)), stoppedNow]) : Promise.resolve(),
});
await db.close();
process.stdout.write('DONE\n');
process.exit(0);

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../adapters/storage/schema-source.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type Acks, type FaultScenario, merge, type Tally } from './scenario.ts';
import { SCENARIOS } from './scenarios.ts';
import { tipScenario } from './tip-scenario.ts';

/**
 * The fault suite on one provider: every scenario, killed at every step with kill -9 and with SIGTERM, while a
 * second process (the bystander) keeps tipping in its own community on the same database. After each fault the
 * invariants are checked (acknowledged work is there, the books balance), every operation is redelivered with its
 * key, and each must then have taken effect exactly once. The counts go to FAULT_COUNTS_DIR for the closing line
 * (global-setup.ts).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
/** Operations per case; the fault hits the middle one, so some run before it and some after. */
const OPS = 5;
const FAULT_INDEX = 2;
const SIGNALS = ['SIGKILL', 'SIGTERM'] as const;
/** A SIGTERM that has not stopped the process by then is followed by kill -9 (as Docker and systemd do). */
const TERM_GRACE_MS = 10_000;

interface Worker {
  child: ChildProcess;
  /** Hands the worker its case (it has opened the database and waits for one). */
  assign(work: { scenario: string; communityId: string; opsFile: string; step?: string; key?: string }): void;
  acks: Acks;
  lines: string[];
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(line: (l: string) => boolean, timeoutMs: number): Promise<string>;
}

function startWorker(url: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fault-worker.ts'), url], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const acks: Acks = new Map();
  const lines: string[] = [];
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      const ack = /^ACK (\S+) (.+)$/.exec(line);
      if (ack) {
        const set = acks.get(ack[1] as string) ?? new Set<string>();
        set.add(ack[2] as string);
        acks.set(ack[1] as string, set);
      }
      for (const w of waiters.filter((x) => x.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
      nl = buffered.indexOf('\n');
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    assign(work) {
      child.stdin?.end(`${JSON.stringify(work)}\n`);
    },
    acks,
    lines,
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(match, timeoutMs) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker did not print the expected line in ${timeoutMs} ms: ${stderr.slice(-1500)}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          const late = lines.find(match);
          if (late) resolve(late);
          else reject(new Error(`worker exited before the expected line: ${stderr.slice(-1500)}`));
        });
      });
    },
  };
}

export interface FaultCounts {
  provider: string;
  faultsInjected: number;
  sigkills: number;
  sigterms: number;
  invariantsChecked: number;
  lost: number;
  duplicated: number;
}

export function defineFaultSuite(provider: Provider): void {
  describe(`faults on ${provider}, two processes`, () => {
    let db: TestDatabase;
    let opsDir: string;
    let bystander: Worker;
    let bystanderCommunity: string;
    let bystanderOps: unknown[];
    /** The next case's process, started while the current case runs (start-up is most of a case's time). */
    let spare: Worker | null = null;
    const takeWorker = () => {
      const worker = spare ?? startWorker(db.url);
      spare = startWorker(db.url);
      return worker;
    };
    const total: Tally = { invariants: 0, lost: 0, duplicated: 0, failures: [] };
    const counts: FaultCounts = {
      provider,
      faultsInjected: 0,
      sigkills: 0,
      sigterms: 0,
      invariantsChecked: 0,
      lost: 0,
      duplicated: 0,
    };

    const writeOps = (name: string, ops: unknown[]) => {
      const file = path.join(opsDir, `${name}.json`);
      writeFileSync(file, JSON.stringify(ops));
      return file;
    };

    beforeAll(async () => {
      db = await createTestDatabase(provider);
      opsDir = path.join(os.tmpdir(), 'cohort-faults', `${provider}-${process.pid}`);
      mkdirSync(opsDir, { recursive: true });
      // The second process: tips in a community of its own for as long as the cases run.
      const prepared = await tipScenario.prepare(db, `${provider}-bystander`, 5_000);
      bystanderCommunity = prepared.communityId;
      bystanderOps = prepared.ops;
      bystander = startWorker(db.url);
      await bystander.waitFor((l) => l === 'READY', 60_000);
      bystander.assign({
        scenario: 'tip',
        communityId: bystanderCommunity,
        opsFile: writeOps('bystander', bystanderOps),
      });
    }, 120_000);

    afterAll(async () => {
      for (const w of [bystander, spare]) if (w && w.child.exitCode === null) w.child.kill('SIGKILL');
      await db?.drop();
      const dir = process.env.FAULT_COUNTS_DIR;
      if (dir) writeFileSync(path.join(dir, `${provider}.json`), JSON.stringify(counts));
    }, 60_000);

    for (const scenario of SCENARIOS as readonly FaultScenario<unknown>[]) {
      for (const step of scenario.steps) {
        for (const signal of SIGNALS) {
          it(`${scenario.name}: ${signal} at "${step}"`, async () => {
            const caseKey = `${provider}-${scenario.name}-${step}-${signal}`;
            const { communityId, ops } = await scenario.prepare(db, caseKey, OPS);
            const faultKey = scenario.key(ops[FAULT_INDEX]);
            const victim = takeWorker();
            await victim.waitFor((l) => l === 'READY', 60_000);
            victim.assign({
              scenario: scenario.name,
              communityId,
              opsFile: writeOps(caseKey, ops),
              step,
              key: faultKey,
            });
            await victim.waitFor((l) => l === `STEP ${step}`, 60_000);
            victim.child.kill(signal);
            counts.faultsInjected++;
            if (signal === 'SIGKILL') counts.sigkills++;
            else counts.sigterms++;
            const escalate = setTimeout(() => victim.child.kill('SIGKILL'), TERM_GRACE_MS);
            const exit = await victim.exited;
            clearTimeout(escalate);
            // SIGTERM drains: the operation under way finishes and the process exits cleanly.
            if (signal === 'SIGTERM')
              expect({ exit, stderr: victim.stderr.slice(-500) }).toMatchObject({ exit: { code: 0 } });
            else expect(exit.signal).toBe('SIGKILL');

            const tallies = [await scenario.afterFault(db, communityId, ops, victim.acks)];
            // The platform retries whatever it sent: every operation again, with the same keys.
            await scenario.redeliver(db, communityId, ops);
            tallies.push(await scenario.check(db, communityId, ops));
            for (const t of tallies) {
              merge(total, t);
              counts.invariantsChecked += t.invariants;
              counts.lost += t.lost;
              counts.duplicated += t.duplicated;
            }
            expect(tallies.flatMap((t) => t.failures)).toEqual([]);
          }, 120_000);
        }
      }
    }

    it('leaves the bystander’s work whole: everything it acknowledged applied once, the books balanced', async () => {
      bystander.child.kill('SIGTERM');
      const exit = await bystander.exited;
      expect({ exit, stderr: bystander.stderr.slice(-800) }).toMatchObject({ exit: { code: 0 } });
      const acked = bystander.acks.get('tipped') ?? new Set<string>();
      expect(acked.size).toBeGreaterThan(0);
      const delivered = bystanderOps.filter((op) => acked.has(tipScenario.key(op as never)));
      const tallies = [
        await tipScenario.afterFault(db, bystanderCommunity, delivered as never[], bystander.acks),
        await tipScenario.check(db, bystanderCommunity, delivered as never[]),
      ];
      for (const t of tallies) {
        counts.invariantsChecked += t.invariants;
        counts.lost += t.lost;
        counts.duplicated += t.duplicated;
      }
      expect(tallies.flatMap((t) => t.failures)).toEqual([]);
    }, 60_000);
  });
}

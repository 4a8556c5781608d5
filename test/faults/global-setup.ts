import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaultCounts } from './fault-suite.ts';

/** Collects each provider's counts (the suites run in their own processes) and prints the closing line. */
export function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohort-fault-counts-'));
  process.env.FAULT_COUNTS_DIR = dir;
  return () => {
    const all = readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as FaultCounts);
    rmSync(dir, { recursive: true, force: true });
    const sum = (k: keyof Omit<FaultCounts, 'provider'>) => all.reduce((n, c) => n + c[k], 0);
    for (const c of all) {
      console.log(
        `faults ${c.provider}: ${c.faultsInjected} injected (${c.sigkills} kill -9, ${c.sigterms} SIGTERM), ${c.invariantsChecked} invariants checked, ${c.lost} lost, ${c.duplicated} duplicated`,
      );
    }
    console.log(
      `fault suite: ${sum('faultsInjected')} faults injected, ${sum('invariantsChecked')} invariants checked, ${sum('lost')} lost, ${sum('duplicated')} duplicated`,
    );
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm start` as an operator runs it, in a child process with a clean environment (no platform variables from the
 * machine, no npm_* variables of the test runner), for tests that need the real entry point: its exit codes, its
 * stderr, its signal handling.
 */
export const projectDir = path.resolve(import.meta.dirname, '../..');

export interface StartedApp {
  child: ChildProcess;
  stdout(): string;
  /** Stderr lines, without npm's own warnings. */
  stderrLines(): string[];
  /** Resolves when stdout (or stderr) matches. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(DISCORD|SLACK|TELEGRAM|FEED|LOG|WEB)_/.test(k) && k !== 'DATABASE_URL' && !k.startsWith('npm_'),
    ),
  );
  // Free ports, so tests running side by side never meet on the documented ones.
  return { ...base, DEMO_FEED_PORT: '0', OPS_PORT: '0', WEB_PORT: '0', ...env };
}

export function startApp(env: Record<string, string>, args: string[] = []): StartedApp {
  const child = spawn('npm', ['start', '--silent', ...(args.length ? ['--', ...args] : [])], {
    cwd: projectDir,
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    notify();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      notify();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => out,
    stderrLines: () =>
      err
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l) => l && !l.startsWith('npm warn')),
    exited,
    waitFor(pattern, stream = 'stdout', timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stream === 'stdout' ? out : err).match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`exited (${child.exitCode}) before ${pattern}:\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}:\n${out}\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Direct children of a process, from /proc (Linux). */
export function childPids(pid: number): number[] {
  try {
    const list = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return list ? list.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

/** Whether a process still runs (a zombie waiting to be reaped has ended: it counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

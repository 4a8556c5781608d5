import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from '../run.ts';
import { type AppProcess, appHasRoles } from './fleet.ts';
import { LoadPlatforms, type Platform } from './platforms.ts';
import { driveLoad, type LoadResult, loadDatabase, percentile, startFleet } from './setup.ts';

/**
 * `npm run bench -- load`: simulated members send commands over the three HTTP transports (Discord interactions,
 * Slack slash commands, Telegram webhook) to real app processes on loopback, against the platform fakes.
 * Set-ups: SQLite with one process; PostgreSQL with 2 gateways + 2 workers; and the curve of throughput against
 * processes (1, 2, 4) on PostgreSQL. The reference is a bare node:http server doing only the signature checks,
 * driven by the same loop in the same run. Bounded: LOAD_COMMANDS commands per set-up (default 300), 90 s at most.
 */

const MEMBERS = 200;
const CONCURRENCY = 16;
const COMMANDS = Number(process.env.LOAD_COMMANDS ?? 300);
const here = path.dirname(fileURLToPath(import.meta.url));

interface Figures extends LoadResult {
  duplicates: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function figures(result: LoadResult, duplicates: number): Figures {
  return {
    ...result,
    duplicates,
    perSecond: result.answered / result.seconds,
    p50: percentile(result.latenciesMs, 50),
    p99: percentile(result.latenciesMs, 99),
  };
}

async function measure(options: {
  label: string;
  provider: 'sqlite' | 'postgresql';
  gateways: number;
  workers: number;
  seed: number;
}): Promise<Figures> {
  const platforms = await LoadPlatforms.start(MEMBERS);
  const db = await loadDatabase(options.provider, options.label);
  const roles = appHasRoles();
  const fleet = await startFleet({
    databaseUrl: db.url,
    platforms,
    gateways: options.gateways,
    workers: roles ? options.workers : 0,
    gatewayRole: roles && options.workers > 0 ? 'gateway' : 'all',
  });
  try {
    const drive = (commands: number, seed: number) =>
      driveLoad({
        platforms,
        gateways: () => fleet.gateways,
        members: MEMBERS,
        commands,
        concurrency: CONCURRENCY,
        maxSeconds: 90,
        seed,
      });
    // Warm-up, not counted: first contact creates the communities and members, and warms each process.
    await drive(CONCURRENCY * 4 * options.gateways, options.seed + 1_000);
    const before = new Set(platforms.replies.keys());
    const result = await drive(COMMANDS, options.seed);
    await new Promise((resolve) => setTimeout(resolve, 500));
    let duplicates = 0;
    for (const [key, count] of platforms.replies) if (!before.has(key) && count > 1) duplicates++;
    return figures(result, duplicates);
  } finally {
    await fleet.stop();
    await platforms.close();
    await db.drop();
  }
}

/** The same loop against the bare server (Discord and Slack shapes: both answer in the HTTP response). */
async function measureBare(seed: number): Promise<Figures> {
  const platforms = await LoadPlatforms.start(MEMBERS);
  const endpoints = platforms.endpoints();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'bare-server.ts')], {
    env: {
      PATH: process.env.PATH,
      PUBLIC_KEY: endpoints.discordPublicKey,
      SLACK_SECRET: endpoints.slackSigningSecret,
      TELEGRAM_SECRET: endpoints.telegramSecret,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) => child.stdout?.once('data', (d: Buffer) => resolve(Number(d))));
  const bare = { ports: { discord: port, slack: port, telegram: port, ops: port } } as AppProcess;
  try {
    const only: Platform[] = ['discord', 'slack'];
    const drive = (commands: number, s: number) =>
      driveLoad({
        platforms,
        gateways: () => [bare],
        members: MEMBERS,
        commands,
        concurrency: CONCURRENCY,
        maxSeconds: 60,
        seed: s,
        only,
      });
    await drive(CONCURRENCY * 4, seed + 1_000);
    return figures(await drive(COMMANDS * 4, seed), 0);
  } finally {
    child.kill('SIGTERM');
    await platforms.close();
  }
}

export async function runLoad(report: BenchReport): Promise<void> {
  console.log(
    `load: uptime ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1/5/15 min), ${os.cpus().length} cores`,
  );
  const roles = appHasRoles();
  if (!roles) console.log('load: the app has no --role yet: "gateways" run every role and "workers" are not started');
  const bare = await measureBare(1);
  report({
    name: 'reference: bare node:http + signature checks (Discord, Slack)',
    value: bare.perSecond,
    unit: 'requests/s',
    note: `p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms, ${CONCURRENCY} in flight`,
  });
  const setups = [
    { label: 'sqlite-1', provider: 'sqlite' as const, gateways: 1, workers: 0, title: 'SQLite, one process' },
    {
      label: 'pg-2g2w',
      provider: 'postgresql' as const,
      gateways: 2,
      workers: 2,
      title: 'PostgreSQL, 2 gateways + 2 workers',
    },
    { label: 'pg-1', provider: 'postgresql' as const, gateways: 1, workers: 0, title: 'PostgreSQL, 1 process' },
    { label: 'pg-2', provider: 'postgresql' as const, gateways: 2, workers: 0, title: 'PostgreSQL, 2 processes' },
    { label: 'pg-4', provider: 'postgresql' as const, gateways: 4, workers: 0, title: 'PostgreSQL, 4 processes' },
  ];
  let one = Number.NaN;
  const curve = new Map<string, Figures>();
  for (const [index, setup] of setups.entries()) {
    const f = await measure({ ...setup, seed: 42 + index });
    if (setup.provider === 'postgresql') curve.set(setup.label, f);
    if (setup.label === 'pg-1') one = f.perSecond;
    const onCurve = setup.label.startsWith('pg-') && setup.workers === 0 && Number.isFinite(one);
    report({
      name: `load ${setup.title}: commands/s`,
      value: f.perSecond,
      unit: 'commands/s',
      note: [
        `${(f.perSecond / bare.perSecond).toFixed(3)}× bare`,
        onCurve ? `${(f.perSecond / one).toFixed(2)}× one process` : '',
        `p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms`,
        `${f.answered}/${f.sent} answered, ${f.lost} lost, ${f.duplicates} duplicated, ${f.failed} failed`,
      ]
        .filter(Boolean)
        .join('; '),
    });
    report({ name: `load ${setup.title}: p99`, value: f.p99, unit: 'ms', note: `p50 ${f.p50.toFixed(1)} ms` });
  }
  // The curve in one line: commands/s against processes on PostgreSQL, each beside one process.
  const point = (label: string, what: string) => {
    const f = curve.get(label);
    return f
      ? `${what} ${f.perSecond.toFixed(1)}/s (${(f.perSecond / one).toFixed(2)}×, p99 ${f.p99.toFixed(0)} ms)`
      : '';
  };
  const line = [
    point('pg-1', '1 process'),
    point('pg-2', '2'),
    point('pg-4', '4'),
    point('pg-2g2w', '2 gateways + 2 workers'),
  ]
    .filter(Boolean)
    .join(' · ');
  report({
    name: 'load curve on PostgreSQL: commands/s against processes',
    value: curve.get('pg-2')?.perSecond ?? Number.NaN,
    unit: 'commands/s at 2 processes',
    note: `${line}; ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end`,
  });
}

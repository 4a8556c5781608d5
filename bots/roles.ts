import type { Config } from './config.ts';

/**
 * What one process does (`npm start -- --role …`, or ROLE). Several processes share one PostgreSQL database:
 * any number of gateways, workers and web processes (docs/adr/0016-job-queue-and-roles.md).
 */
export const ROLES = ['all', 'gateway', 'worker', 'web'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleDuties {
  /** Connects to the platforms and answers commands and events. */
  platforms: boolean;
  /** Takes jobs from the queue (polling, scoring, retraining, scheduled posts, reports, sweeps). */
  jobs: boolean;
  /** Serves the web panel (when WEB_ENABLED). */
  panel: boolean;
}

const DUTIES: Record<Role, RoleDuties> = {
  all: { platforms: true, jobs: true, panel: true },
  gateway: { platforms: true, jobs: false, panel: false },
  worker: { platforms: false, jobs: true, panel: false },
  web: { platforms: false, jobs: false, panel: true },
};

export function dutiesOf(role: Role): RoleDuties {
  return DUTIES[role];
}

/** Why a role cannot run with this configuration, in one line, or null when it can. */
export function roleProblem(role: Role, config: Pick<Config, 'DATABASE_URL'>): string | null {
  if (role !== 'all' && config.DATABASE_URL.provider === 'sqlite')
    return `--role ${role} needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serves one process, which runs every role (--role all).`;
  return null;
}

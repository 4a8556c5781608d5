import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { dutiesOf, roleProblem } from './roles.ts';

describe('process roles', () => {
  it('allows only `all` on SQLite, with a line saying why', () => {
    const sqlite = loadConfig({ DATABASE_URL: 'file:./x.db' });
    expect(roleProblem('all', sqlite)).toBeNull();
    expect(roleProblem('worker', sqlite)).toMatch(/^--role worker needs PostgreSQL/);
    expect(roleProblem('gateway', sqlite)).toMatch(/--role all/);
    expect(roleProblem('worker', loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/c' }))).toBeNull();
  });

  it('gives connections to gateways, jobs to workers and the panel to web processes', () => {
    expect(dutiesOf('gateway')).toEqual({ platforms: true, jobs: false, panel: false });
    expect(dutiesOf('worker')).toEqual({ platforms: false, jobs: true, panel: false });
    expect(dutiesOf('web')).toEqual({ platforms: false, jobs: false, panel: true });
    expect(dutiesOf('all')).toEqual({ platforms: true, jobs: true, panel: true });
  });

  it('reads ROLE and refuses an unknown one', () => {
    expect(loadConfig({ ROLE: 'worker' }).ROLE).toBe('worker');
    expect(() => loadConfig({ ROLE: 'janitor' })).toThrow(/ROLE/);
  });
});

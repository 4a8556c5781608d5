/**
 * DATABASE_URL parsing, kept free of database drivers so configuration can be checked before anything heavy loads.
 */
export type DatabaseTarget = { provider: 'sqlite'; file: string } | { provider: 'postgresql'; url: string };

/** `file:<path>` (SQLite) or `postgres://` / `postgresql://` (PostgreSQL); anything else is refused. */
export function parseDatabaseUrl(raw: string): DatabaseTarget | null {
  if (raw.startsWith('file:')) {
    const file = raw.slice('file:'.length);
    return file.length > 0 ? { provider: 'sqlite', file } : null;
  }
  if (/^postgres(ql)?:\/\/[^\s]+$/.test(raw)) {
    try {
      new URL(raw);
      return { provider: 'postgresql', url: raw };
    } catch {
      return null;
    }
  }
  return null;
}

export function redactUrl(target: DatabaseTarget): string {
  if (target.provider === 'sqlite') return `file:${target.file}`;
  const url = new URL(target.url);
  if (url.password) url.password = '***';
  return url.toString();
}

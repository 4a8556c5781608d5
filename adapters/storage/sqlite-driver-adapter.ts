import {
  type ArgType,
  type ColumnType,
  ColumnTypeEnum,
  DriverAdapterError,
  type MappedError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import type { SqliteConnection, Statement } from './sqlite-connection.ts';

/**
 * Prisma's driver adapter over our one SQLite connection (see sqlite-connection.ts), in place of
 * @prisma/adapter-better-sqlite3 for the app's client: the same value conversions, plus
 *  - every statement outside a transaction waits while an interactive transaction holds the connection, so it can
 *    neither land inside that transaction nor read its uncommitted rows;
 *  - statements are prepared once per connection.
 * Migrations still use Prisma's own adapter on a connection of their own (adapters/storage/schema-engine.ts).
 */

const ADAPTER_NAME = 'cohort-better-sqlite3';

export function sqliteAdapterFactory(connection: SqliteConnection): SqlDriverAdapterFactory {
  return {
    provider: 'sqlite',
    adapterName: ADAPTER_NAME,
    connect: async () => new SerialisedSqliteAdapter(connection),
  };
}

class SqliteQueryable {
  readonly provider = 'sqlite' as const;
  readonly adapterName = ADAPTER_NAME;

  constructor(protected readonly connection: SqliteConnection) {}

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.run(() => resultSet(this.connection.prismaStatement(query.sql), bindArgs(query)));
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    return this.run(() => this.connection.prismaStatement(query.sql).run(bindArgs(query)).changes);
  }

  /** Inside a transaction the connection is ours already; outside one, wait for it. */
  protected run<T>(work: () => T): Promise<T> {
    return this.connection.exclusive(() => guarded(work));
  }
}

class SerialisedSqliteAdapter extends SqliteQueryable implements SqlDriverAdapter {
  async executeScript(script: string): Promise<void> {
    await this.run(() => this.connection.db.exec(script));
  }

  async startTransaction(isolationLevel?: string): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== 'SERIALIZABLE') {
      throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level: isolationLevel });
    }
    const hold = await this.connection.hold().catch((error: unknown) => guarded(() => throwAsIs(error)));
    return new SqliteTransaction(this.connection, hold.release);
  }

  async dispose(): Promise<void> {
    this.connection.close();
  }
}

class SqliteTransaction extends SqliteQueryable implements Transaction {
  // Prisma sends COMMIT / ROLLBACK as statements of the transaction, then calls commit() / rollback().
  readonly options = { usePhantomQuery: false };

  constructor(
    connection: SqliteConnection,
    private readonly release: () => void,
  ) {
    super(connection);
  }

  protected override run<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(guarded(work));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async commit(): Promise<void> {
    this.release();
  }

  async rollback(): Promise<void> {
    this.release();
  }

  async createSavepoint(name: string): Promise<void> {
    await this.run(() => this.connection.db.exec(`SAVEPOINT ${name}`));
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.run(() => this.connection.db.exec(`ROLLBACK TO ${name}`));
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.run(() => this.connection.db.exec(`RELEASE SAVEPOINT ${name}`));
  }
}

function resultSet(statement: Statement, args: unknown[]): SqlResultSet {
  if (!statement.reader) {
    statement.run(args);
    return { columnNames: [], columnTypes: [], rows: [] };
  }
  const columns = statement.columns();
  const rows = statement.raw(true).all(args) as unknown[][];
  const columnTypes = columns.map((column, index) => declaredType(column.type) ?? inferredType(rows, index));
  return {
    columnNames: columns.map((column) => column.name),
    columnTypes,
    rows: rows.map((row) => row.map((value, index) => fromSqlite(value, columnTypes[index] as ColumnType))),
  };
}

/** Prisma serialises arguments as JSON-friendly values; SQLite wants numbers, integers, text and buffers. */
function bindArgs(query: SqlQuery): unknown[] {
  return query.args.map((arg, index) => toSqlite(arg, query.argTypes[index]));
}

function toSqlite(arg: unknown, type: ArgType | undefined): unknown {
  if (arg === null || arg === undefined) return null;
  const scalar = type?.scalarType;
  if (typeof arg === 'string') {
    if (scalar === 'int') return Number.parseInt(arg, 10);
    if (scalar === 'float' || scalar === 'decimal') return Number.parseFloat(arg);
    if (scalar === 'bigint') return BigInt(arg);
    if (scalar === 'datetime') return sqliteTimestamp(new Date(arg));
    if (scalar === 'bytes') return Buffer.from(arg, 'base64');
    return arg;
  }
  if (typeof arg === 'boolean') return arg ? 1 : 0;
  if (arg instanceof Date) return sqliteTimestamp(arg);
  return arg;
}

/** How Prisma stores a DateTime on SQLite (ISO 8601 with an explicit offset); native writes use the same text. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

function fromSqlite(value: unknown, type: ColumnType): unknown {
  if (typeof value === 'bigint') {
    if (type === ColumnTypeEnum.DateTime) return new Date(Number(value)).toISOString();
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
  }
  if (typeof value === 'number') {
    if (type === ColumnTypeEnum.DateTime) return new Date(value).toISOString();
    if ((type === ColumnTypeEnum.Int32 || type === ColumnTypeEnum.Int64) && !Number.isInteger(value)) {
      return Math.trunc(value);
    }
  }
  return value;
}

const DECLARED: Record<string, ColumnType> = {
  DECIMAL: ColumnTypeEnum.Numeric,
  FLOAT: ColumnTypeEnum.Float,
  DOUBLE: ColumnTypeEnum.Double,
  'DOUBLE PRECISION': ColumnTypeEnum.Double,
  NUMERIC: ColumnTypeEnum.Double,
  REAL: ColumnTypeEnum.Double,
  TINYINT: ColumnTypeEnum.Int32,
  SMALLINT: ColumnTypeEnum.Int32,
  MEDIUMINT: ColumnTypeEnum.Int32,
  INT: ColumnTypeEnum.Int32,
  INTEGER: ColumnTypeEnum.Int32,
  SERIAL: ColumnTypeEnum.Int32,
  INT2: ColumnTypeEnum.Int32,
  BIGINT: ColumnTypeEnum.Int64,
  'UNSIGNED BIG INT': ColumnTypeEnum.Int64,
  INT8: ColumnTypeEnum.Int64,
  DATETIME: ColumnTypeEnum.DateTime,
  TIMESTAMP: ColumnTypeEnum.DateTime,
  TIME: ColumnTypeEnum.Time,
  DATE: ColumnTypeEnum.Date,
  TEXT: ColumnTypeEnum.Text,
  CLOB: ColumnTypeEnum.Text,
  CHARACTER: ColumnTypeEnum.Text,
  VARCHAR: ColumnTypeEnum.Text,
  'VARYING CHARACTER': ColumnTypeEnum.Text,
  NCHAR: ColumnTypeEnum.Text,
  'NATIVE CHARACTER': ColumnTypeEnum.Text,
  NVARCHAR: ColumnTypeEnum.Text,
  BLOB: ColumnTypeEnum.Bytes,
  BOOLEAN: ColumnTypeEnum.Boolean,
  JSONB: ColumnTypeEnum.Json,
};

/** The column's declared type, when it has one (expressions such as `count(*)` or `1 AS ok` have none). */
function declaredType(declared: string | null): ColumnType | null {
  if (!declared) return null;
  return DECLARED[declared.toUpperCase()] ?? null;
}

/** An expression column's type, from its first non-null value. */
function inferredType(rows: unknown[][], index: number): ColumnType {
  for (const row of rows) {
    const value = row[index];
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') return ColumnTypeEnum.Text;
    if (typeof value === 'bigint') return ColumnTypeEnum.Int64;
    if (typeof value === 'number') return ColumnTypeEnum.UnknownNumber;
    if (typeof value === 'boolean') return ColumnTypeEnum.Boolean;
    if (value instanceof Uint8Array) return ColumnTypeEnum.Bytes;
  }
  return ColumnTypeEnum.Int32;
}

function throwAsIs(error: unknown): never {
  throw error;
}

/** Runs driver work, turning SQLite's errors into Prisma's (P2002 for a unique violation, and so on). */
function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof DriverAdapterError) throw error;
    const e = error as { code?: unknown; message?: unknown };
    if (typeof e?.code !== 'string' || typeof e.message !== 'string') throw error;
    throw new DriverAdapterError({
      ...mapSqliteError(e.code, e.message),
      originalCode: e.code,
      originalMessage: e.message,
    });
  }
}

function mapSqliteError(code: string, message: string): MappedError {
  const fields = () =>
    message
      .split('constraint failed: ')
      .at(1)
      ?.split(', ')
      .map((column) => column.split('.').pop() as string);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const columns = fields();
    return { kind: 'UniqueConstraintViolation', ...(columns ? { constraint: { fields: columns } } : {}) };
  }
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
    const columns = fields();
    return { kind: 'NullConstraintViolation', ...(columns ? { constraint: { fields: columns } } : {}) };
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === 'SQLITE_CONSTRAINT_TRIGGER') {
    return { kind: 'ForeignKeyConstraintViolation', constraint: { foreignKey: {} } };
  }
  if (code.startsWith('SQLITE_BUSY')) return { kind: 'SocketTimeout' };
  if (message.startsWith('no such table')) return { kind: 'TableDoesNotExist', table: message.split(': ').at(1) };
  if (message.startsWith('no such column')) return { kind: 'ColumnNotFound', column: message.split(': ').at(1) };
  if (message.includes('has no column named ')) {
    return { kind: 'ColumnNotFound', column: message.split('has no column named ').at(1) };
  }
  return { kind: 'sqlite', extendedCode: 1, message };
}

import type { CandidateScoreBound, RankedCandidateQuery } from '../../core/content/ports.ts';
import type { QualityBound } from '../../core/content/scoring/quality-bound.ts';

/**
 * The SQL that ranks a digest's candidates by their score bound (core/content/ports.ts `CandidateScoreBound`), in
 * SQLite's or PostgreSQL's dialect. Numbers the bound is made of are written as literals (finite doubles print
 * exactly), strings and dates are bound parameters. The candidate filter is the one `listCandidates` applies
 * (window, kept items only, the digest's sources), plus the cap, the language and the score floor.
 */
export type SqlDialect = 'sqlite' | 'postgresql';

const LN2 = Math.LN2;
const LN3 = Math.log(3);
const EPS = 1e-6;

function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`non-finite number in a candidate bound: ${value}`);
  return value < 0 ? `(${String(value)})` : String(value);
}

class Sql {
  readonly params: unknown[] = [];
  constructor(readonly dialect: SqlDialect) {}
  param(value: unknown): string {
    this.params.push(value);
    return this.dialect === 'sqlite' ? '?' : `$${this.params.length}`;
  }
  least(a: string, b: string): string {
    return this.dialect === 'sqlite' ? `min(${a}, ${b})` : `LEAST(${a}, ${b})`;
  }
  greatest(a: string, b: string): string {
    return this.dialect === 'sqlite' ? `max(${a}, ${b})` : `GREATEST(${a}, ${b})`;
  }
  /** Element `j` of a JSON array of numbers, NULL when the array is shorter. */
  jsonNumber(column: string, j: number): string {
    return this.dialect === 'sqlite' ? `json_extract(${column}, '$[${j}]')` : `(${column}->>${j})::float8`;
  }
  jsonLength(column: string): string {
    return this.dialect === 'sqlite' ? `json_array_length(${column})` : `jsonb_array_length(${column})`;
  }
  /** Milliseconds since the epoch of a DateTime column (SQLite keeps ISO 8601 text, PostgreSQL a timestamp). */
  epochMs(column: string): string {
    return this.dialect === 'sqlite'
      ? `((julianday(${column}) - 2440587.5) * 86400000.0)`
      : `(EXTRACT(EPOCH FROM ${column})::float8 * 1000.0)`;
  }
  /** σ(x), its argument clamped so PostgreSQL's exp never overflows (σ is 0 or 1 to double precision there). */
  sigmoid(x: string): string {
    return `(1.0 / (1.0 + exp(${this.least('700.0', this.greatest('-700.0', `-(${x})`))})))`;
  }
  logit(p: string): string {
    const q = this.least(num(1 - EPS), this.greatest(num(EPS), p));
    return `ln(${q} / (1.0 - ${q}))`;
  }
}

/** The calibrated quality (or its bound) of a row of "ContentItem" c LEFT JOIN "ContentQualityInput" q. */
function qualitySql(sql: Sql, bound: QualityBound | null): string {
  if (!bound) return 'c."quality"';
  const { layer, calibration } = bound;
  const terms = layer.features.flatMap((f, j) =>
    f.coefficient === 0
      ? []
      : [`COALESCE(${num(f.coefficient)} * (${sql.jsonNumber('q."features"', j)} - ${num(f.mean)}), 0.0)`],
  );
  const withInputs = [
    `${num(layer.baseScale)} * ${sql.logit('q."baseQuality"')}`,
    num(layer.offset + layer.embedding),
    ...terms,
  ].join(' + ');
  const calibrate = (z: string, kind: string) => {
    const kinds = Object.keys(calibration).filter((k) => k !== '*');
    const star = calibration['*'];
    const as = (c: { median: number; spread: number }) =>
      sql.sigmoid(`(${z} - ${num(c.median)}) * ${num(LN3 / c.spread)}`);
    const fallback = star ? as(star) : sql.sigmoid(z);
    if (kinds.length === 0) return fallback;
    const cases = kinds.map(
      (k) => `WHEN ${sql.param(k)} THEN ${as(calibration[k] as { median: number; spread: number })}`,
    );
    return `(CASE ${kind} ${cases.join(' ')} ELSE ${fallback} END)`;
  };
  // The kind of an item scored before inputs were kept, from its guid (community-learning.ts `kindOf`).
  const kindOfGuid = `(CASE WHEN substr(c."guid", 1, 8) = 'message:' THEN 'post' WHEN substr(c."guid", 1, 7) = 'course:' THEN 'course' ELSE 'article' END)`;
  // Written in text order: SQLite's parameters are positional.
  const withoutInputs = calibrate(sql.logit('c."quality"'), kindOfGuid);
  const inputQuality =
    layer.featureCount === null
      ? calibrate(withInputs, 'q."kind"')
      : `(CASE WHEN ${sql.jsonLength('q."features"')} = ${layer.featureCount} THEN ${calibrate(withInputs, 'q."kind"')} ELSE 1.0 END)`;
  return `(CASE WHEN q."itemId" IS NULL THEN ${withoutInputs} ELSE ${inputQuality} END)`;
}

function constantSql(sql: Sql, bound: CandidateScoreBound): string {
  const entries = Object.entries(bound.constantBySource);
  if (entries.length === 0) return '0.0';
  return `(CASE c."sourceId" ${entries.map(([id, value]) => `WHEN ${sql.param(id)} THEN ${num(value)}`).join(' ')} ELSE 0.0 END)`;
}

/** Every candidate the query admits, with its source and bound: `SELECT "id", "sourceId", "bound"`. */
function boundedRowsSql(sql: Sql, query: Omit<RankedCandidateQuery, 'offset' | 'limit'>): string {
  const { bound } = query;
  // Parameters are numbered in the order they are written, so the select list comes first.
  const quality = qualitySql(sql, bound.quality);
  const age = sql.greatest('0.0', `${num(bound.now.getTime())} - ${sql.epochMs('c."publishedAt"')}`);
  // Clamped at e^-700 (PostgreSQL's exp reports underflow): a bound may only be higher than the score.
  const freshness = `exp(${sql.greatest('-700.0', `${num(-LN2 / bound.halfLifeMs)} * ${age}`)})`;
  const constant = constantSql(sql, bound);
  const where = [
    `c."communityId" = ${sql.param(query.communityId)}`,
    'c."dropReason" IS NULL',
    `c."publishedAt" >= ${sql.param(query.since)}`,
  ];
  if (query.sourceIds) where.push(`c."sourceId" IN (${query.sourceIds.map((id) => sql.param(id)).join(', ')})`);
  if (query.upTo) {
    const at = sql.param(query.upTo.publishedAt);
    const at2 = sql.param(query.upTo.publishedAt);
    where.push(`(c."publishedAt" > ${at} OR (c."publishedAt" = ${at2} AND c."id" <= ${sql.param(query.upTo.id)}))`);
  }
  if (query.language) where.push(`c."language" = ${sql.param(query.language)}`);
  const floor = query.minQuality !== undefined && query.minQuality > 0 ? query.minQuality - bound.margin : null;
  return `
    SELECT r."id" AS "id", r."sourceId" AS "sourceId",
      (${num(bound.weights.quality)} * r."quality" + ${num(bound.weights.freshness)} * r."freshness"
        + r."constant" + ${num(bound.margin)}) AS "bound"
    FROM (
      SELECT c."id" AS "id", c."sourceId" AS "sourceId", ${quality} AS "quality", ${freshness} AS "freshness",
        ${constant} AS "constant"
      FROM "ContentItem" c LEFT JOIN "ContentQualityInput" q ON q."itemId" = c."id"
      WHERE ${where.join(' AND ')}
    ) r
    ${floor === null ? '' : `WHERE r."quality" >= ${num(floor)}`}`;
}

/** One page of candidates, best bound first (ties by id). */
export function rankedCandidatesSql(
  dialect: SqlDialect,
  query: RankedCandidateQuery,
): { sql: string; params: unknown[] } {
  const sql = new Sql(dialect);
  const rows = boundedRowsSql(sql, query);
  const text = `SELECT b."id" AS "id", b."bound" AS "bound" FROM (${rows}) b
    ORDER BY b."bound" DESC, b."id" ASC LIMIT ${sql.param(query.limit)} OFFSET ${sql.param(query.offset)}`;
  return { sql: text, params: sql.params };
}

/**
 * The highest bound per source among candidates whose bound is at most `atMost` (a little over it: the literal
 * is read back from the database, so an equal bound must not slip out by a rounding).
 */
export function boundsBySourceSql(
  dialect: SqlDialect,
  query: Omit<RankedCandidateQuery, 'offset' | 'limit'>,
  atMost: number,
): { sql: string; params: unknown[] } {
  const sql = new Sql(dialect);
  const rows = boundedRowsSql(sql, query);
  const limit = atMost + Math.abs(atMost) * 1e-12 + 1e-12;
  const text = `SELECT b."sourceId" AS "sourceId", MAX(b."bound") AS "bound" FROM (${rows}) b
    WHERE b."bound" <= ${num(limit)} GROUP BY b."sourceId"`;
  return { sql: text, params: sql.params };
}

import { z } from 'zod';
import type { Locale, Member } from '../domain/types.ts';

/**
 * Declarative command options. One spec gives the adapters what they need to register the option natively
 * (Discord option types, Telegram/Slack usage text) and gives core a Zod schema to parse the raw value.
 */
export type OptionKind = 'string' | 'integer' | 'number' | 'boolean' | 'choice' | 'member' | 'url' | 'duration';

export type LocalizedText = Record<Locale, string>;

/** Raw values as they arrive from an adapter, before parsing. */
export type RawOptionValue = string | number | boolean;

/** A reference to a member as typed or picked: resolved to a Member by the dispatcher. */
export type MemberRef = { kind: 'id'; platformUserId: string } | { kind: 'handle'; handle: string };

export interface OptionSpec<T = unknown, Required extends boolean = boolean> {
  kind: OptionKind;
  required: Required;
  description: LocalizedText;
  /** Text options only: swallows every remaining word of a text command line. */
  rest?: boolean;
  /**
   * Rest options only: a word the member quoted is passed on quoted (`title:"two words"` stays a phrase), for
   * options that are an expression of their own (a feed filter) rather than free text.
   */
  keepQuotes?: boolean;
  /** Given by name only on text platforms (`page:2`): never filled from a positional word. */
  named?: boolean;
  choices?: readonly string[];
  /** Choice options only: other spellings accepted for a choice (`zh` → `zh-CN`), listed in error messages. */
  aliases?: Readonly<Record<string, string>>;
  min?: number;
  max?: number;
  maxLength?: number;
  /** Parses the raw value. Member options yield a MemberRef that the dispatcher resolves. */
  schema: z.ZodType<unknown>;
  /** Phantom field carrying the handler-side type. */
  readonly __type?: T;
}

export type OptionsShape = Record<string, OptionSpec<unknown, boolean>>;

export type InferOptions<O extends OptionsShape> = {
  [K in keyof O]: O[K] extends OptionSpec<infer T, infer R> ? (R extends true ? T : T | undefined) : never;
};

interface BaseParams<R extends boolean> {
  description: LocalizedText;
  required?: R;
  /** Given by name only on text platforms (`page:2`). */
  named?: boolean;
}

function spec<T, R extends boolean>(
  kind: OptionKind,
  params: BaseParams<R>,
  schema: z.ZodType<unknown>,
  extra: Partial<OptionSpec> = {},
): OptionSpec<T, R> {
  return {
    ...extra,
    ...(params.named ? { named: true } : {}),
    kind,
    required: params.required ?? false,
    description: params.description,
    schema,
  } as OptionSpec<T, R>;
}

const MENTION = /^<@!?([A-Za-z0-9_.:-]+)(?:\|[^>]*)?>$/;
const HANDLE = /^@?([\p{L}\p{N}_.-]{1,64})$/u;

export function parseMemberRef(raw: string): MemberRef | null {
  const text = raw.trim();
  const mention = MENTION.exec(text);
  if (mention?.[1]) return { kind: 'id', platformUserId: mention[1] };
  const handle = HANDLE.exec(text);
  if (handle?.[1]) return { kind: 'handle', handle: handle[1].toLowerCase() };
  return null;
}

/** Parses "30m", "2h", "1d", "90s" into milliseconds. */
export function parseDurationMs(raw: string): number | null {
  const m = /^(\d{1,6})\s*(s|m|h|d)$/i.exec(raw.trim());
  if (!m?.[1] || !m[2]) return null;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2].toLowerCase() as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

export const option = {
  string<const R extends boolean = false>(
    p: BaseParams<R> & { rest?: boolean; keepQuotes?: boolean; minLength?: number; maxLength?: number },
  ): OptionSpec<string, R> {
    const maxLength = p.maxLength ?? 500;
    const schema = z
      .union([z.string(), z.number()])
      .transform((v) => String(v).trim())
      .pipe(
        z
          .string()
          .min(p.minLength ?? 1)
          .max(maxLength),
      );
    return spec('string', p, schema, {
      rest: p.rest ?? false,
      ...(p.keepQuotes ? { keepQuotes: true } : {}),
      maxLength,
      min: p.minLength ?? 1,
    });
  },

  integer<const R extends boolean = false>(p: BaseParams<R> & { min?: number; max?: number }): OptionSpec<number, R> {
    const min = p.min ?? Number.MIN_SAFE_INTEGER;
    const max = p.max ?? Number.MAX_SAFE_INTEGER;
    const schema = z
      .union([
        z.number(),
        z
          .string()
          .trim()
          .regex(/^[+-]?\d+$/),
      ])
      .transform(Number)
      .pipe(z.number().int().min(min).max(max));
    return spec('integer', p, schema, { min, max });
  },

  number<const R extends boolean = false>(p: BaseParams<R> & { min?: number; max?: number }): OptionSpec<number, R> {
    const min = p.min ?? -Number.MAX_VALUE;
    const max = p.max ?? Number.MAX_VALUE;
    const schema = z
      .union([
        z.number(),
        z
          .string()
          .trim()
          .regex(/^[+-]?(\d+\.?\d*|\.\d+)$/),
      ])
      .transform(Number)
      .pipe(z.number().finite().min(min).max(max));
    return spec('number', p, schema, { min, max });
  },

  boolean<const R extends boolean = false>(p: BaseParams<R>): OptionSpec<boolean, R> {
    const truthy = ['true', 'yes', 'on', '1', '是', '开'];
    const falsy = ['false', 'no', 'off', '0', '否', '关'];
    const schema = z.union([
      z.boolean(),
      z
        .string()
        .transform((v) => v.trim().toLowerCase())
        .pipe(z.enum([...truthy, ...falsy] as [string, ...string[]]))
        .transform((v) => truthy.includes(v)),
    ]);
    return spec('boolean', p, schema);
  },

  choice<const C extends readonly [string, ...string[]], const R extends boolean = false>(
    p: BaseParams<R> & { choices: C; aliases?: Readonly<Record<string, C[number]>> },
  ): OptionSpec<C[number], R> {
    // Case-insensitive match, canonical spelling out: `ZH-cn` → `zh-CN`; an alias (`中文`, `cn`) maps to its choice.
    const aliases = new Map(Object.entries(p.aliases ?? {}).map(([alias, c]) => [alias.toLowerCase(), c] as const));
    const schema = z.string().transform((v, ctx) => {
      const typed = v.trim().toLowerCase();
      const found = p.choices.find((c) => c.toLowerCase() === typed) ?? aliases.get(typed);
      if (found === undefined) {
        ctx.addIssue({ code: 'custom', message: 'not a choice' });
        return z.NEVER;
      }
      return found;
    });
    return spec('choice', p, schema, { choices: p.choices, ...(p.aliases ? { aliases: p.aliases } : {}) });
  },

  member<const R extends boolean = false>(p: BaseParams<R>): OptionSpec<Member, R> {
    const schema = z.string().transform((v, ctx) => {
      const ref = parseMemberRef(v);
      if (!ref) {
        ctx.addIssue({ code: 'custom', message: 'not a member reference' });
        return z.NEVER;
      }
      return ref;
    });
    return spec('member', p, schema);
  },

  url<const R extends boolean = false>(p: BaseParams<R>): OptionSpec<string, R> {
    const schema = z
      .string()
      .trim()
      .max(2048)
      .pipe(z.url({ protocol: /^https?$/ }));
    return spec('url', p, schema, { maxLength: 2048 });
  },

  duration<const R extends boolean = false>(p: BaseParams<R> & { min?: number; max?: number }): OptionSpec<number, R> {
    const schema = z.string().transform((v, ctx) => {
      const ms = parseDurationMs(v);
      if (ms === null || ms < (p.min ?? 0) || ms > (p.max ?? Number.MAX_SAFE_INTEGER)) {
        ctx.addIssue({ code: 'custom', message: 'not a duration' });
        return z.NEVER;
      }
      return ms;
    });
    return spec('duration', p, schema, { min: p.min, max: p.max });
  },
};

import type { Locale } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import { type AnyCommand, optionEntries } from './command.ts';
import type { OptionSpec, RawOptionValue } from './options.ts';
import { usageOf } from './usage.ts';

/**
 * Turns a text command's words (after the command path) into raw option values:
 * `name:value` / `name=value` set an option by name; other words fill options in declaration order;
 * a `rest` option takes every remaining word.
 */
export function assignWords(command: AnyCommand, words: readonly string[]): Record<string, RawOptionValue | undefined> {
  const specs = optionEntries(command);
  const names = new Set(specs.map(([name]) => name));
  const raw: Record<string, RawOptionValue | undefined> = {};
  const positional: string[] = [];
  for (const word of words) {
    const named = /^([a-z][a-z0-9-]*)[:=](.+)$/i.exec(word);
    const key = named?.[1]?.toLowerCase();
    if (named && key && names.has(key) && raw[key] === undefined) raw[key] = named[2];
    else positional.push(word);
  }
  let next = 0;
  for (const [name, spec] of specs) {
    if (raw[name] !== undefined || spec.named || next >= positional.length) continue;
    if (spec.rest) {
      const words = positional.slice(next);
      raw[name] = (spec.keepQuotes ? words.map(requoted) : words).join(' ');
      next = positional.length;
    } else {
      raw[name] = positional[next++];
    }
  }
  if (next < positional.length) {
    throw new UserError('TOO_MANY_ARGUMENTS', 'common:errors.tooManyArguments', {
      command: command.name,
      extra: positional.slice(next).join(' '),
      usage: usageOf(command),
    });
  }
  return raw;
}

/** i18n key and params describing what an option expects, for precise error messages. */
export function expectationOf(spec: OptionSpec): { key: string; params: Record<string, unknown> } {
  switch (spec.kind) {
    case 'integer':
      return spec.max !== undefined && spec.max < Number.MAX_SAFE_INTEGER
        ? { key: 'common:expect.integer', params: { min: spec.min, max: spec.max } }
        : { key: 'common:expect.integerMin', params: { min: spec.min } };
    case 'number':
      return { key: 'common:expect.number', params: { min: spec.min, max: spec.max } };
    case 'choice': {
      // A few other spellings are enough to show the idea; every alias is still accepted.
      const aliases = Object.keys(spec.aliases ?? {}).slice(0, 5);
      return aliases.length > 0
        ? {
            key: 'common:expect.choiceAliases',
            params: { choices: spec.choices?.join(', '), aliases: aliases.join(', ') },
          }
        : { key: 'common:expect.choice', params: { choices: spec.choices?.join(', ') } };
    }
    case 'string':
      return { key: 'common:expect.string', params: { max: spec.maxLength } };
    default:
      return { key: `common:expect.${spec.kind}`, params: {} };
  }
}

/**
 * Validates raw values against the command's option specs. The first problem becomes a UserError whose
 * message names the option, what it expects, what was given and the usage line, in the member's language.
 */
export function parseOptions(
  command: AnyCommand,
  raw: Record<string, RawOptionValue | undefined>,
  translate: (locale: Locale, key: string, params?: Record<string, unknown>) => string,
  locale: Locale,
): Record<string, unknown> {
  for (const key of Object.keys(raw)) {
    if (!(key in command.options) && raw[key] !== undefined) {
      throw new UserError('UNKNOWN_OPTION', 'common:errors.unknownOption', {
        command: command.name,
        option: key,
        usage: usageOf(command),
      });
    }
  }
  const parsed: Record<string, unknown> = {};
  for (const [name, spec] of optionEntries(command)) {
    const value = raw[name];
    const expectation = expectationOf(spec);
    const expected = translate(locale, expectation.key, expectation.params);
    if (value === undefined || value === '') {
      if (spec.required) {
        throw new UserError('OPTION_MISSING', 'common:errors.optionMissing', {
          command: command.name,
          option: name,
          expected,
          usage: usageOf(command),
        });
      }
      parsed[name] = undefined;
      continue;
    }
    const result = spec.schema.safeParse(value);
    if (!result.success) {
      throw new UserError('OPTION_INVALID', 'common:errors.optionInvalid', {
        command: command.name,
        option: name,
        expected,
        value: String(value).slice(0, 80),
        usage: usageOf(command),
      });
    }
    parsed[name] = result.data;
  }
  return parsed;
}

/** A word that holds a space was quoted by the member: quote it again, after its `field:` prefix if it has one. */
function requoted(word: string): string {
  if (!/\s/u.test(word)) return word;
  const [open, close] = word.includes('"') ? ['“', '”'] : ['"', '"'];
  const prefixed = /^([^\s:：]+[:：])(\S.*)$/su.exec(word);
  return prefixed ? `${prefixed[1]}${open}${prefixed[2]}${close}` : `${open}${word}${close}`;
}

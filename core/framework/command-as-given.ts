import type { CommandInput } from './envelopes.ts';

/**
 * A command as the member gave it, in one line: the typed line itself, or a native form's command path and the
 * options they picked (`/tip member:123 amount:5`). What a member's export shows of a command still in flight.
 */
export function commandAsGiven(input: CommandInput): string {
  if (input.kind === 'text') return input.line.trim();
  const picked = Object.entries(input.options).flatMap(([name, value]) =>
    value === undefined ? [] : [`${name}:${String(value)}`],
  );
  return [`/${input.path.join(' ')}`, ...picked].join(' ');
}

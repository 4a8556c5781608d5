import { type AnyCommand, optionEntries } from './command.ts';

/** `/tip <member> <amount> [reason…]`: the same usage line on every platform. */
export function usageOf(command: AnyCommand): string {
  const parts = optionEntries(command).map(([name, spec]) => {
    const label = spec.named ? `${name}:…` : spec.rest ? `${name}…` : spec.choices ? spec.choices.join('|') : name;
    return spec.required ? `<${label}>` : `[${label}]`;
  });
  return ['/' + command.name, ...parts].join(' ');
}

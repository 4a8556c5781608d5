import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { AnyCommand } from '../../core/framework/command.ts';
import type { OptionSpec } from '../../core/framework/options.ts';
import { truncate } from '../shared/split.ts';

/**
 * Our command paths are space separated (`digest schedule add`); Discord has commands, subcommand groups and
 * subcommands, three levels at most. A path that is invocable bare and also has children (`digest` next to
 * `digest preview`) registers its bare form as the subcommand `show` (`/digest show`), mapped back here.
 */
export const BARE_SUBCOMMAND = 'show';

export interface RegisteredRoute {
  /** Our command path. */
  path: string[];
  /** Discord option name → our option key (Discord wants lower-case names). */
  optionKeys: Record<string, string>;
}

export interface CommandRegistration {
  body: RESTPostAPIChatInputApplicationCommandsJSONBody[];
  /** `name`, `name sub` or `name group sub` (Discord's shape) → our path. */
  routes: Map<string, RegisteredRoute>;
  skipped: string[];
}

const NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

/** `maxItems` → `max_items`: Discord option names are lower case. */
export function discordOptionName(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const describe = (text: Record<'en' | 'zh-CN', string>) => ({
  description: truncate(text.en, 100),
  description_localizations: { 'zh-CN': truncate(text['zh-CN'], 100) },
});

function optionJson(key: string, spec: OptionSpec): APIApplicationCommandBasicOption {
  const base = { name: discordOptionName(key), required: spec.required, ...describe(spec.description) };
  const clamp = (n: number | undefined) =>
    n === undefined || !Number.isFinite(n) ? undefined : Math.max(-(2 ** 53), Math.min(2 ** 53, n));
  switch (spec.kind) {
    case 'integer':
    case 'number': {
      const min = clamp(spec.min);
      const max = clamp(spec.max);
      const bounds = {
        ...(min !== undefined && min > -(2 ** 53) ? { min_value: min } : {}),
        ...(max !== undefined && max < 2 ** 53 ? { max_value: max } : {}),
      };
      return spec.kind === 'integer'
        ? { ...base, ...bounds, type: ApplicationCommandOptionType.Integer }
        : { ...base, ...bounds, type: ApplicationCommandOptionType.Number };
    }
    case 'boolean':
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    case 'member':
      return { ...base, type: ApplicationCommandOptionType.User };
    case 'choice':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: (spec.choices ?? []).slice(0, 25).map((c) => ({ name: c, value: c })),
      };
    default:
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(spec.maxLength ? { max_length: Math.min(6_000, spec.maxLength) } : {}),
      };
  }
}

function optionsOf(command: AnyCommand): { options: APIApplicationCommandBasicOption[]; keys: Record<string, string> } {
  const keys: Record<string, string> = {};
  const options = Object.entries(command.options as Record<string, OptionSpec>).map(([key, spec]) => {
    keys[discordOptionName(key)] = key;
    return optionJson(key, spec);
  });
  // Discord rejects a required option after an optional one.
  options.sort((a, b) => Number(b.required ?? false) - Number(a.required ?? false));
  return { options: options.slice(0, 25), keys };
}

interface Node {
  command?: AnyCommand;
  children: Map<string, Node>;
}

export function buildRegistration(commands: readonly AnyCommand[]): CommandRegistration {
  const root: Node = { children: new Map() };
  const skipped: string[] = [];
  for (const command of commands) {
    const path = command.name.split(' ');
    if (path.length > 3 || !path.every((p) => NAME.test(p))) {
      skipped.push(command.name);
      continue;
    }
    let node = root;
    for (const part of path) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.command = command;
  }

  const routes = new Map<string, RegisteredRoute>();
  const body: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [];
  const route = (key: string, command: AnyCommand, keys: Record<string, string>) =>
    routes.set(key, { path: command.name.split(' '), optionKeys: keys });

  const subcommand = (name: string, command: AnyCommand, routeKey: string): APIApplicationCommandOption => {
    const { options, keys } = optionsOf(command);
    route(routeKey, command, keys);
    return { type: ApplicationCommandOptionType.Subcommand, name, ...describe(command.description), options };
  };

  for (const [name, node] of root.children) {
    if (node.children.size === 0 && node.command) {
      const { options, keys } = optionsOf(node.command);
      route(name, node.command, keys);
      body.push({ type: ApplicationCommandType.ChatInput, name, ...describe(node.command.description), options });
      continue;
    }
    const options: APIApplicationCommandOption[] = [];
    if (node.command) options.push(subcommand(BARE_SUBCOMMAND, node.command, `${name} ${BARE_SUBCOMMAND}`));
    for (const [childName, child] of node.children) {
      if (child.children.size === 0 && child.command) {
        options.push(subcommand(childName, child.command, `${name} ${childName}`));
        continue;
      }
      const groupOptions: APIApplicationCommandOption[] = [];
      if (child.command)
        groupOptions.push(subcommand(BARE_SUBCOMMAND, child.command, `${name} ${childName} ${BARE_SUBCOMMAND}`));
      for (const [leafName, leaf] of child.children)
        if (leaf.command) groupOptions.push(subcommand(leafName, leaf.command, `${name} ${childName} ${leafName}`));
      const groupDescription = child.command?.description ?? {
        en: `${name} ${childName}`,
        'zh-CN': `${name} ${childName}`,
      };
      options.push({
        type: ApplicationCommandOptionType.SubcommandGroup,
        name: childName,
        ...describe(groupDescription),
        options: groupOptions.slice(0, 25) as never,
      });
    }
    const description = node.command?.description ?? { en: name, 'zh-CN': name };
    body.push({
      type: ApplicationCommandType.ChatInput,
      name,
      ...describe(description),
      options: options.slice(0, 25),
    });
  }
  return { body, routes, skipped };
}

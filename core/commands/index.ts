import type { AnyCommand } from '../framework/command.ts';
import { contentCommands } from './content/index.ts';
import { communityLanguageCommand, communityTimezoneCommand, roleSetCommand } from './general/community-settings.ts';
import { helpCommand } from './general/help.ts';
import { languageCommand } from './general/language.ts';
import { interactionCommands } from './interactions/index.ts';

/**
 * Every command, in /help order. Each feature adds its commands here (one import, one spread);
 * every adapter registers this same list, so names and options match on every platform.
 */
export const allCommands: readonly AnyCommand[] = [
  helpCommand,
  languageCommand,
  communityTimezoneCommand,
  communityLanguageCommand,
  roleSetCommand,
  ...interactionCommands,
  ...contentCommands,
];

import { commerceCommands } from '../commerce/commands/index.ts';
import { contentCommands } from '../content/commands/index.ts';
import type { AnyCommand } from '../framework/command.ts';
import {
  communityLanguageCommand,
  communityTimezoneCommand,
  roleSetCommand,
} from '../general/commands/community-settings.ts';
import { helpCommand } from '../general/commands/help.ts';
import { languageCommand } from '../general/commands/language.ts';
import { interactionCommands } from '../interactions/commands/index.ts';
import { privacyCommands } from '../privacy/commands/index.ts';
import { recommendCommands } from '../recommend/commands/index.ts';

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
  ...contentCommands,
  ...recommendCommands,
  ...interactionCommands,
  ...commerceCommands,
  ...privacyCommands,
];

import type { AnyCommand } from '../framework/command.ts';
import { commerceCommands } from './commerce/index.ts';
import { contentCommands } from './content/index.ts';
import { communityLanguageCommand, communityTimezoneCommand, roleSetCommand } from './general/community-settings.ts';
import { helpCommand } from './general/help.ts';
import { languageCommand } from './general/language.ts';
import { interactionCommands } from './interactions/index.ts';
import { privacyCommands } from './privacy/index.ts';
import { recommendCommands } from './recommend/index.ts';

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

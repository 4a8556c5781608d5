import { defineFeature } from '../framework/feature.ts';
import { communityLanguageCommand, communityTimezoneCommand, roleSetCommand } from './commands/community-settings.ts';
import { helpCommand } from './commands/help.ts';
import { languageCommand } from './commands/language.ts';

/** What every community has: /help, a member's language, the community's zone and language, roles. */
export const generalFeature = defineFeature({
  name: 'general',
  services: () => ({}),
  commands: [helpCommand, languageCommand, communityTimezoneCommand, communityLanguageCommand, roleSetCommand],
});

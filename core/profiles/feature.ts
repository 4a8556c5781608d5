import { defineFeature } from '../framework/feature.ts';
import { groupsCommand } from './commands/groups.ts';
import { profileCommand, profileInterestsAddCommand, profileInterestsRemoveCommand } from './commands/profile.ts';
import type { ProfilesHandles } from './commands/shared.ts';
import { profilesMessages } from './messages.ts';

/**
 * What Cohort believes about a member, shown to them and corrected by them (/profile, /profile interests), and the
 * interest groups moderators see (/groups). Profiles are built by the recommender, through the memberProfiles port.
 */
export const profilesFeature = defineFeature({
  name: 'profiles',
  messages: profilesMessages,
  services: (ctx): ProfilesHandles => ({ profiles: ctx.port('memberProfiles') }),
  commands: [profileCommand, profileInterestsAddCommand, profileInterestsRemoveCommand, groupsCommand],
});

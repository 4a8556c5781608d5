import { commandsFor } from '../../framework/command.ts';
import type { MemberProfiles } from '../../ports/recommender.ts';

export const d = (en: string, zh: string) => ({ en, 'zh-CN': zh });

/** The profiles feature's handles, as its commands see them in `ctx.services`. */
export interface ProfilesHandles {
  /** Member profiles and interest groups (the recommender builds them). */
  profiles: MemberProfiles;
}

/** defineCommand for the profiles feature's commands. */
export const defineProfilesCommand = commandsFor<ProfilesHandles>();

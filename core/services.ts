import type { Translator } from './i18n/translate.ts';
import type {
  ChannelStore,
  CommunityStore,
  CourseStore,
  DeliveryGuard,
  EventLog,
  MemberStore,
} from './ports/stores.ts';

/**
 * The services a command handler can reach through `ctx.services`. Each feature adds its own field here;
 * bots/ builds the object (the composition root), tests build it with real stores on a throwaway database.
 */
export interface Services {
  communities: CommunityStore;
  members: MemberStore;
  channels: ChannelStore;
  courses: CourseStore;
  events: EventLog;
  deliveries: DeliveryGuard;
  translator: Translator;
}

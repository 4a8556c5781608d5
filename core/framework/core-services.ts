import type { Translator } from '../i18n/translate.ts';
import type {
  ChannelStore,
  CommunityStore,
  CourseStore,
  DeliveryStore,
  EventStore,
  MemberStore,
} from '../ports/stores.ts';

/**
 * What every feature and every command can reach, whatever features are installed: the foundation's stores and
 * the translator. A feature's own service handles come on top of these (see feature.ts).
 */
export interface CoreServices {
  communities: CommunityStore;
  members: MemberStore;
  channels: ChannelStore;
  courses: CourseStore;
  events: EventStore;
  deliveries: DeliveryStore;
  translator: Translator;
}

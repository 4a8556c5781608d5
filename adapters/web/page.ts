import type { CommerceHandles } from '../../core/commerce/commands/shared.ts';
import type { ContentHandles } from '../../core/content/commands/shared.ts';
import type { Community, Locale, Member, PermissionLevel } from '../../core/domain/types.ts';
import type { AnyCommand } from '../../core/framework/command.ts';
import type { CoreServices } from '../../core/framework/core-services.ts';
import type { Translate } from '../../core/i18n/translate.ts';
import type { InteractionHandles } from '../../core/interactions/commands/shared.ts';
import type { PaymentsHandles } from '../../core/payments/commands/shared.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { PrivacyHandles } from '../../core/privacy/commands/privacy.ts';
import type { ProfilesHandles } from '../../core/profiles/commands/shared.ts';
import type { Html } from './html.ts';
import type { NavEntry } from './layout.ts';

/** What the panel reads: the core stores and the features' own services, the same objects commands use. */
export type PanelServices = CoreServices &
  ContentHandles &
  CommerceHandles &
  InteractionHandles &
  PaymentsHandles &
  ProfilesHandles &
  PrivacyHandles;

/** Everything a page renders from: the community, the viewer and their role there, their language. */
export interface PageContext {
  community: Community;
  member: Member;
  role: PermissionLevel;
  locale: Locale;
  t: Translate;
  csrf: string;
  services: PanelServices;
  clock: Clock;
  /** This page's own address, where forms come back to. */
  back: string;
  query: Record<string, string | undefined>;
  /** Every command, with the permission each needs (the audit log keeps the privileged ones). */
  commands: readonly AnyCommand[];
  /** The channel forms default to (the console's `general`; empty on real platforms). */
  defaultChannel: string;
}

export interface PanelPage extends NavEntry {
  title: (t: Translate) => string;
  render(ctx: PageContext): Promise<Html>;
}

import type { CommerceService } from './commerce/commerce-service.ts';
import type { ContentService } from './content/service.ts';
import type { AnyCommand } from './framework/command.ts';
import type { Translator } from './i18n/translate.ts';
import type { KolService } from './interactions/kol-service.ts';
import type { LedgerIntegrityService } from './interactions/ledger-integrity.ts';
import type { LedgerService } from './interactions/ledger-service.ts';
import type { WeeklyReportService } from './interactions/weekly-report.ts';
import type {
  ChannelStore,
  CommunityStore,
  CourseStore,
  DeliveryGuard,
  EventLog,
  MemberStore,
} from './ports/stores.ts';
import type { PrivacyService } from './privacy/privacy-service.ts';
import type { RecommendService } from './recommend/service.ts';

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
  /** Curated digests: sources, polling, schedules (absent when a bot runs without content). */
  content?: ContentService;
  /** Points ledger: tips, balances, moderator grants (absent when a bot runs without it). */
  ledger?: LedgerService;
  /** The hourly balance and invariant check of the ledger and paid content, and its alerts (/points alerts). */
  ledgerIntegrity?: LedgerIntegrityService;
  /** KOL leaderboards and community analytics. */
  kol?: KolService;
  /** The weekly community report posted on a schedule (/stats weekly). */
  weeklyReport?: WeeklyReportService;
  /** Paid content: orders, entitlements, course access. */
  commerce?: CommerceService;
  /** Member profiles, interest groups, course recommendations and semantic course search. */
  recommend?: RecommendService;
  /** Export and erasure of a member's data. */
  privacy?: PrivacyService;
  /** The registered commands (for /help and native registration). */
  commands(): readonly AnyCommand[];
}

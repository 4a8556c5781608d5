import type { Community, Locale } from '../domain/types.ts';
import { latestSlot, nextSlot } from '../framework/cron-slots.ts';
import type { ScheduledPostRunner } from '../framework/scheduled-posts.ts';
import type { Translator } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { CommunityStore } from '../ports/stores.ts';
import { safeTimeZone } from './community-day.ts';
import type { KolService } from './kol-service.ts';
import type { LedgerService } from './ledger-service.ts';
import { buildStatsReport } from './stats-report.ts';
import type { WeeklyReportSetting, WeeklyReportStore } from './weekly-report-store.ts';

/**
 * The weekly community report: moderators turn it on in a channel, and every Monday 09:00 in the community's time
 * zone the /stats report of the past 7 days (with its chart) is posted there through the Messenger.
 *
 * Exactly once per week across processes, restarts and crashes: a run only looks at the latest Monday slot and hands
 * it to the scheduled-post runner, which claims it (one process wins), takes over a slot whose owner died, and looks
 * on the platform before it sends again. After downtime only the latest missed Monday is posted (one catch-up, not
 * one per missed week). A failed post is retried for a few hours.
 */

/** Monday 09:00, in the community's zone. */
export const WEEKLY_REPORT_CRON = '0 9 * * 1';

/** The scheduled-post job of weekly reports; the subject is the community. */
export const WEEKLY_REPORT_JOB = 'weekly-report';

export interface WeeklyReportDeps {
  store: WeeklyReportStore;
  kol: KolService;
  ledger: LedgerService | undefined;
  communities: CommunityStore;
  translator: Translator;
  posts: ScheduledPostRunner;
  clock: Clock;
  log: Logger;
  /** How long a failed post is retried after its slot. Default 6 h. */
  retryWindowMs?: number;
}

export class WeeklyReportService {
  readonly #deps: WeeklyReportDeps;
  readonly #log: Logger;

  constructor(deps: WeeklyReportDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ ns: 'core:weekly-report' });
  }

  status(community: Community): Promise<WeeklyReportSetting | null> {
    return this.#deps.store.getSetting(community.id);
  }

  /** Turns the report on in `channelId` (moving it when it was on elsewhere) or off. */
  async set(
    community: Community,
    input: { enabled: boolean; channelId: string | null; locale: Locale | null },
  ): Promise<WeeklyReportSetting> {
    const now = this.#deps.clock.now();
    const current = await this.#deps.store.getSetting(community.id);
    const channelId = input.channelId ?? current?.channelId;
    if (!channelId) throw new Error('a channel is needed to turn the weekly report on');
    const setting: WeeklyReportSetting = {
      communityId: community.id,
      channelId,
      enabled: input.enabled,
      locale: input.locale ?? current?.locale ?? null,
      // Re-enabling keeps the first enable time when it was already on; turning on anew starts from now.
      enabledAt: input.enabled && current?.enabled ? current.enabledAt : now,
      updatedAt: now,
    };
    await this.#deps.store.saveSetting(setting);
    return setting;
  }

  /** The next Monday 09:00 after `now` in the community's zone. */
  nextSlot(community: Community, now: Date): Date {
    return nextSlot(WEEKLY_REPORT_CRON, safeTimeZone(community.timezone), now);
  }

  /** Posts every enabled community's report whose latest Monday slot is due here. Returns posts made here. */
  async runDue(): Promise<number> {
    let posted = 0;
    for (const setting of await this.#deps.store.listEnabled()) {
      const ok = await this.#runOne(setting).catch((err: unknown) => {
        this.#log.error({ err, community: setting.communityId }, 'weekly report failed');
        return false;
      });
      if (ok) posted++;
    }
    return posted;
  }

  async #runOne(setting: WeeklyReportSetting): Promise<boolean> {
    const { communities, clock, translator } = this.#deps;
    const community = await communities.get(setting.communityId);
    if (!community) return false;
    const slotAt = latestSlot(WEEKLY_REPORT_CRON, safeTimeZone(community.timezone), clock.now());
    if (slotAt.getTime() < setting.enabledAt.getTime()) return false;
    const locale = community.locale ?? setting.locale ?? 'en';
    const outcome = await this.#deps.posts.run({
      job: WEEKLY_REPORT_JOB,
      subject: community.id,
      communityId: community.id,
      slotAt,
      target: { platform: community.platform, spaceId: community.platformId, channelId: setting.channelId },
      retryWindowMs: this.#deps.retryWindowMs ?? 6 * 3_600_000,
      // The week that just ended: the 7 days before the slot, whenever the post actually goes out.
      build: () =>
        buildStatsReport({
          kol: this.#deps.kol,
          ledger: this.#deps.ledger,
          community,
          now: slotAt,
          periodDays: 7,
          t: translator.forLocale(locale),
          locale,
          weekly: true,
        }),
    });
    return outcome.status === 'posted';
  }
}

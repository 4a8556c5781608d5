import type { Community, Locale } from '../domain/types.ts';
import { latestSlot, nextSlot } from '../framework/cron-slots.ts';
import type { Translator } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Messenger } from '../ports/messenger.ts';
import type { CommunityStore } from '../ports/stores.ts';
import { safeTimeZone } from './community-day.ts';
import type { KolService } from './kol-service.ts';
import type { LedgerService } from './ledger-service.ts';
import { buildStatsReport } from './stats-report.ts';

/**
 * The weekly community report: moderators turn it on in a channel, and every Monday 09:00 in the community's time
 * zone the /stats report of the past 7 days (with its chart) is posted there through the Messenger.
 *
 * Exactly once per week across processes and restarts: a tick only looks at the latest Monday slot, and the post
 * belongs to whoever inserts the (community, slot) run row first; every other process, and this one after a
 * restart, finds the row and does nothing. After downtime only the latest missed Monday is posted (one catch-up,
 * not one per missed week). A post that failed (platform not connected yet, outage) is taken back by
 * compare-and-set from `failed` for a few hours, so it is still posted at most once.
 */

/** Monday 09:00, in the community's zone. */
export const WEEKLY_REPORT_CRON = '0 9 * * 1';

export interface WeeklyReportSetting {
  communityId: string;
  channelId: string;
  enabled: boolean;
  locale: Locale | null;
  enabledAt: Date;
  updatedAt: Date;
}

export type WeeklyRunStatus = 'claimed' | 'posted' | 'failed';

export interface WeeklyReportRun {
  communityId: string;
  slotAt: Date;
  status: WeeklyRunStatus;
  channelId: string;
  claimedAt: Date;
  finishedAt: Date | null;
  messageId: string | null;
  error: string | null;
}

export interface WeeklyReportStore {
  getSetting(communityId: string): Promise<WeeklyReportSetting | null>;
  saveSetting(setting: WeeklyReportSetting): Promise<void>;
  listEnabled(): Promise<WeeklyReportSetting[]>;
  /** The latest slot with a run row, or null. */
  latestSlot(communityId: string): Promise<Date | null>;
  getRun(communityId: string, slotAt: Date): Promise<WeeklyReportRun | null>;
  /** Inserts the run row; null when another process already holds this slot. */
  claim(
    run: Pick<WeeklyReportRun, 'communityId' | 'slotAt' | 'channelId' | 'claimedAt'>,
  ): Promise<WeeklyReportRun | null>;
  /** Compare-and-set on status: false when the row was not in `expected` (someone else took it). */
  finish(
    communityId: string,
    slotAt: Date,
    expected: WeeklyRunStatus,
    update: Partial<Pick<WeeklyReportRun, 'status' | 'finishedAt' | 'messageId' | 'error'>>,
  ): Promise<boolean>;
}

export interface WeeklyReportDeps {
  store: WeeklyReportStore;
  kol: KolService;
  ledger: LedgerService | undefined;
  communities: CommunityStore;
  translator: Translator;
  messenger: () => Messenger | null;
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

  /** Posts every enabled community's report whose latest Monday slot nobody has claimed. Returns posts made here. */
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

  /** A minute loop (cheap: one indexed read when nothing is due); correctness lives in the claimed rows. */
  start(intervalMs = 60_000): { stop(): void } {
    let busy = false;
    let stopped = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      void this.runDue()
        .catch((err: unknown) => this.#log.error({ err }, 'weekly report tick failed'))
        .finally(() => {
          busy = false;
        });
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    // First look soon after start-up (a Monday missed while down is caught up), not in the middle of it.
    const first = setTimeout(tick, Math.min(intervalMs, 5_000));
    first.unref();
    return {
      stop: () => {
        stopped = true;
        clearTimeout(first);
        clearInterval(timer);
      },
    };
  }

  async #runOne(setting: WeeklyReportSetting): Promise<boolean> {
    const { store, communities, clock } = this.#deps;
    const community = await communities.get(setting.communityId);
    if (!community) return false;
    const now = clock.now();
    const slotAt = latestSlot(WEEKLY_REPORT_CRON, safeTimeZone(community.timezone), now);
    if (slotAt.getTime() < setting.enabledAt.getTime()) return false;
    const latest = await store.latestSlot(community.id);
    if (latest && latest.getTime() > slotAt.getTime()) return false;
    if (latest && latest.getTime() === slotAt.getTime()) {
      const run = await store.getRun(community.id, slotAt);
      if (run?.status !== 'failed') return false;
      if (now.getTime() - slotAt.getTime() > (this.#deps.retryWindowMs ?? 6 * 3_600_000)) return false;
      if (!(await store.finish(community.id, slotAt, 'failed', { status: 'claimed', error: null }))) return false;
      return this.#deliver(community, setting, slotAt);
    }
    const run = await store.claim({ communityId: community.id, slotAt, channelId: setting.channelId, claimedAt: now });
    if (!run) return false;
    return this.#deliver(community, setting, slotAt);
  }

  async #deliver(community: Community, setting: WeeklyReportSetting, slotAt: Date): Promise<boolean> {
    const { store, translator, clock } = this.#deps;
    const locale = community.locale ?? setting.locale ?? 'en';
    const messenger = this.#deps.messenger();
    let error: string;
    if (messenger) {
      try {
        // The week that just ended: the 7 days before the slot, whenever the post actually goes out.
        const reply = await buildStatsReport({
          kol: this.#deps.kol,
          ledger: this.#deps.ledger,
          community,
          now: slotAt,
          periodDays: 7,
          t: translator.forLocale(locale),
          locale,
          weekly: true,
        });
        const { messageId } = await messenger.post(
          { platform: community.platform, spaceId: community.platformId, channelId: setting.channelId },
          reply,
        );
        await store.finish(community.id, slotAt, 'claimed', { status: 'posted', messageId, finishedAt: clock.now() });
        this.#log.info({ community: community.id, slotAt }, 'weekly report posted');
        return true;
      } catch (err) {
        error = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
        this.#log.warn({ err, community: community.id, slotAt }, 'weekly report not posted; will retry');
      }
    } else {
      error = 'NO_MESSENGER';
    }
    await store.finish(community.id, slotAt, 'claimed', {
      status: 'failed',
      error: error.slice(0, 500),
      finishedAt: clock.now(),
    });
    return false;
  }
}

import type { RichReply } from '../domain/reply.ts';
import type { Community, Locale, Member } from '../domain/types.ts';
import type { Translator } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { IntegrityCheck, IntegrityFinding } from '../ports/integrity.ts';
import type { Logger } from '../ports/logger.ts';
import type { Messenger } from '../ports/messenger.ts';
import type { CommunityStore } from '../ports/stores.ts';
import type { LedgerStore } from './ledger-store.ts';

/**
 * The hourly balance and invariant check of the points ledger (and of paid content, whose checks are passed in):
 * postings sum to zero, per transfer and overall; cached balances match their postings and none is negative; every
 * transfer has its event and every adjustment its audit entry; every paid order its access. When a community's
 * data breaks one, its moderators are told in the channel they chose (/points alerts on), in the community's
 * language, once per distinct problem and again each day it lasts; with no channel chosen it is logged only. The
 * check never changes data: a broken invariant needs a person.
 */

export interface LedgerAlertSetting {
  communityId: string;
  /** Platform channel id; null: alerts off. */
  channelId: string | null;
  locale: Locale | null;
  /** Fingerprint of the problems last alerted about; null while sound. */
  alertedKey: string | null;
  alertedAt: Date | null;
  updatedBy: string;
  updatedAt: Date;
}

export interface LedgerAlertStore {
  get(communityId: string): Promise<LedgerAlertSetting | null>;
  /** Sets where alerts go (keeping what was last alerted). */
  save(
    setting: Pick<LedgerAlertSetting, 'communityId' | 'channelId' | 'locale' | 'updatedBy' | 'updatedAt'>,
  ): Promise<void>;
  /**
   * Compare-and-set of the alert state: true when it was still `expected` (this process alerts), false when another
   * process moved it first. A community without a setting row has nothing to compare: false.
   */
  markAlerted(
    communityId: string,
    expected: Pick<LedgerAlertSetting, 'alertedKey' | 'alertedAt'>,
    next: Pick<LedgerAlertSetting, 'alertedKey' | 'alertedAt'>,
  ): Promise<boolean>;
}

export interface IntegrityReport {
  communityId: string;
  checkedAt: Date;
  /** Every check's findings, broken or not. */
  findings: IntegrityFinding[];
  /** The broken ones. */
  problems: IntegrityFinding[];
}

export interface LedgerIntegrityDeps {
  /** Every installed feature's checks (the ledger's own among them), read at each run. */
  checks: () => readonly IntegrityCheck[];
  alerts: LedgerAlertStore;
  communities: CommunityStore;
  translator: Translator;
  messenger: Messenger;
  clock: Clock;
  log: Logger;
  /** A problem that lasts is alerted again after this long. Default a day. */
  realertMs?: number;
}

/** Ledger invariants as findings (`transfers` is a size, not a problem). */
export function ledgerIntegrityCheck(store: Pick<LedgerStore, 'integrity'>): IntegrityCheck {
  return async (communityId) => {
    const { transfers: _size, postingsSum, ...counts } = await store.integrity(communityId);
    return [
      { check: 'postingsSum', i18nKey: 'interactions:integrity.postingsSum', count: postingsSum },
      ...Object.entries(counts).map(([check, count]) => ({
        check,
        i18nKey: `interactions:integrity.${check}`,
        count,
      })),
    ];
  };
}

export class LedgerIntegrityService {
  readonly #deps: LedgerIntegrityDeps;
  readonly #log: Logger;

  constructor(deps: LedgerIntegrityDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ ns: 'core:ledger-integrity' });
  }

  async check(community: Community): Promise<IntegrityReport> {
    const findings = (await Promise.all(this.#deps.checks().map((check) => check(community.id)))).flat();
    return {
      communityId: community.id,
      checkedAt: this.#deps.clock.now(),
      findings,
      problems: findings.filter((f) => f.count !== 0),
    };
  }

  alertSetting(community: Community): Promise<LedgerAlertSetting | null> {
    return this.#deps.alerts.get(community.id);
  }

  /** Alerts to `channelId` (a platform channel), or off with null. */
  async setAlerts(community: Community, moderator: Member, channelId: string | null, locale: Locale): Promise<void> {
    await this.#deps.alerts.save({
      communityId: community.id,
      channelId,
      locale,
      updatedBy: moderator.id,
      updatedAt: this.#deps.clock.now(),
    });
  }

  /** Checks every community, alerting where something is broken. Returns what it saw. */
  async checkAll(): Promise<{ communities: number; unsound: number; alerted: number }> {
    let unsound = 0;
    let alerted = 0;
    const communities = await this.#deps.communities.list();
    for (const community of communities) {
      try {
        const report = await this.check(community);
        if (report.problems.length > 0) unsound++;
        if (await this.#settle(community, report)) alerted++;
      } catch (err) {
        this.#log.error({ err, community: community.id }, 'ledger integrity check failed to run');
      }
    }
    return { communities: communities.length, unsound, alerted };
  }

  /** Logs a broken community, alerts its moderators when due; returns whether this process posted the alert. */
  async #settle(community: Community, report: IntegrityReport): Promise<boolean> {
    const { alerts, clock } = this.#deps;
    const setting = await alerts.get(community.id);
    const key = report.problems.length > 0 ? fingerprint(report.problems) : null;
    if (key === null) {
      // Sound again: forget the last alert, so a new problem is reported at once.
      if (setting?.alertedKey) await alerts.markAlerted(community.id, setting, { alertedKey: null, alertedAt: null });
      return false;
    }
    const problems = Object.fromEntries(report.problems.map((p) => [p.check, p.count]));
    this.#log.error({ community: community.id, problems }, 'ledger integrity check found broken invariants');
    if (!setting?.channelId) return false;
    const now = clock.now();
    const due =
      setting.alertedKey !== key ||
      !setting.alertedAt ||
      now.getTime() - setting.alertedAt.getTime() >= (this.#deps.realertMs ?? 86_400_000);
    if (!due) return false;
    const messenger = this.#deps.messenger;
    if (!(await alerts.markAlerted(community.id, setting, { alertedKey: key, alertedAt: now }))) return false;
    try {
      await messenger.post(
        { platform: community.platform, spaceId: community.platformId, channelId: setting.channelId },
        this.#alert(community, report, community.locale ?? setting.locale ?? 'en'),
      );
      this.#log.warn({ community: community.id, channel: setting.channelId }, 'ledger integrity alert posted');
      return true;
    } catch (err) {
      // Handed back, so the next check (this process or another) tries again.
      await alerts.markAlerted(
        community.id,
        { alertedKey: key, alertedAt: now },
        { alertedKey: setting.alertedKey, alertedAt: setting.alertedAt },
      );
      this.#log.error({ err, community: community.id }, 'could not post the ledger integrity alert');
      return false;
    }
  }

  #alert(community: Community, report: IntegrityReport, locale: Locale): RichReply {
    const t = this.#deps.translator.forLocale(locale);
    return {
      title: t('interactions:integrity.alertTitle'),
      text: t('interactions:integrity.alert', {
        community: community.name,
        problems: describeProblems(report.problems, t),
      }),
      tone: 'error',
    };
  }
}

/** One line per broken invariant, in the reader's language. */
export function describeProblems(
  problems: readonly IntegrityFinding[],
  t: (key: string, params?: Record<string, unknown>) => string,
): string {
  return problems.map((p) => `• ${t(p.i18nKey, { count: p.count })}`).join('\n');
}

/** Which invariants are broken (not by how much: a count that grows every hour is the same problem). */
function fingerprint(problems: readonly IntegrityFinding[]): string {
  return problems
    .map((p) => p.check)
    .sort()
    .join(',');
}

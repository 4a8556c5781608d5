import type { Translate } from '../i18n/translate.ts';
import type { LedgerFlag } from './ledger-store.ts';

/** A flag as moderators read it: who, and why it was raised (the legs counted and the thresholds in force). */
export function flagText(flag: LedgerFlag, name: (id: string) => string, t: Translate): { title: string; why: string } {
  const title = t(`interactions:stats.flag.${flag.kind}`, { members: flag.memberIds.map(name).join(', ') });
  const d = flag.details;
  if (flag.kind === 'tip_ring' && d?.legs?.length) {
    const legs = d.legs
      .map((leg) =>
        t('interactions:flagWhy.leg', { from: name(leg.fromMemberId), to: name(leg.toMemberId), count: leg.tips }),
      )
      .join(t('interactions:flagWhy.separator'));
    return { title, why: t('interactions:flagWhy.ring', { legs, days: d.windowDays, min: d.minTips }) };
  }
  if (flag.kind === 'new_accounts' && d?.newAccountDays !== undefined) {
    return { title, why: t('interactions:flagWhy.newAccounts', { days: d.newAccountDays }) };
  }
  return { title, why: t('interactions:flagWhy.unknown') };
}

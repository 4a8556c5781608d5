import type { Locale } from '../../core/domain/types.ts';
import type { LedgerAlertSetting, LedgerAlertStore } from '../../core/interactions/ledger-integrity.ts';
import type { Db } from './database.ts';

/** Where ledger integrity alerts go, and what was last alerted (core/interactions/ledger-integrity.ts). */
export class PrismaLedgerAlertStore implements LedgerAlertStore {
  constructor(private readonly db: Db) {}

  async get(communityId: string): Promise<LedgerAlertSetting | null> {
    const row = await this.db.ledgerAlertSetting.findUnique({ where: { communityId } });
    return row ? { ...row, locale: row.locale as Locale | null } : null;
  }

  async save(
    setting: Pick<LedgerAlertSetting, 'communityId' | 'channelId' | 'locale' | 'updatedBy' | 'updatedAt'>,
  ): Promise<void> {
    const data = {
      channelId: setting.channelId,
      locale: setting.locale,
      updatedBy: setting.updatedBy,
      updatedAt: setting.updatedAt,
    };
    await this.db.ledgerAlertSetting.upsert({
      where: { communityId: setting.communityId },
      create: { communityId: setting.communityId, ...data },
      update: data,
    });
  }

  async markAlerted(
    communityId: string,
    expected: Pick<LedgerAlertSetting, 'alertedKey' | 'alertedAt'>,
    next: Pick<LedgerAlertSetting, 'alertedKey' | 'alertedAt'>,
  ): Promise<boolean> {
    const { count } = await this.db.ledgerAlertSetting.updateMany({
      where: { communityId, alertedKey: expected.alertedKey, alertedAt: expected.alertedAt },
      data: { alertedKey: next.alertedKey, alertedAt: next.alertedAt },
    });
    return count === 1;
  }
}

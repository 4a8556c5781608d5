import { createHmac, randomUUID } from 'node:crypto';
import type { Member } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { PersonalDataSource } from '../ports/personal-data.ts';
import type { MemberStore } from '../ports/stores.ts';

/** The handle an erased member's tombstone gets. */
const FORGOTTEN_PREFIX = 'forgotten-';

export interface PersonalExport {
  exportedAt: string;
  member: Omit<Member, 'communityId'>;
  sections: Record<string, unknown>;
}

/**
 * Export and erasure of a member's data across every feature. Forgetting keeps the member row as a tombstone
 * with a random identity, so ledgers still balance and orders still add up, while nothing links back to the person;
 * if they come back they are a new member.
 */
export class PrivacyService {
  constructor(
    private readonly deps: {
      members: MemberStore;
      /** Every installed feature's personal data, in order (members' posts before the event log that finds them). */
      sources: () => readonly PersonalDataSource[];
      clock: Clock;
      log: Logger;
      /** Secret for pseudonyms in analytics; pseudonyms are stable per secret and cannot be reversed without it. */
      pseudonymSecret: string;
    },
  ) {}

  async export(member: Member): Promise<PersonalExport> {
    const sections: Record<string, unknown> = {};
    for (const source of this.deps.sources()) {
      sections[source.name] = await source.export({ communityId: member.communityId, memberId: member.id });
    }
    const { communityId: _omit, ...rest } = member;
    return { exportedAt: this.deps.clock.now().toISOString(), member: rest, sections };
  }

  /**
   * Refuses to erase the community's last admin: nobody could then change its settings, grant roles or erase anyone
   * else on request. Another admin must be appointed first (they may then erase the former one).
   */
  async assertErasable(member: Member): Promise<void> {
    if (member.role !== 'admin') return;
    for (let offset = 0; ; offset += 500) {
      const page = await this.deps.members.list(member.communityId, { limit: 500, offset });
      const other = page.some(
        (m) => m.id !== member.id && m.role === 'admin' && !m.isBot && !m.handle.startsWith(FORGOTTEN_PREFIX),
      );
      if (other) return;
      if (page.length < 500) break;
    }
    throw new UserError('PRIVACY_LAST_ADMIN', 'privacy:lastAdmin', { name: member.displayName });
  }

  async forget(member: Member): Promise<{ touched: Record<string, number> }> {
    await this.assertErasable(member);
    const touched: Record<string, number> = {};
    for (const source of this.deps.sources()) {
      touched[source.name] = await source.forget({ communityId: member.communityId, memberId: member.id });
    }
    await this.deps.members.pseudonymize(member.id, `${FORGOTTEN_PREFIX}${randomUUID().slice(0, 8)}`);
    this.deps.log.info({ member: this.pseudonym(member.id), touched }, 'member data forgotten');
    return { touched };
  }

  /** A stable, irreversible alias for analytics exports and logs. */
  pseudonym(memberId: string): string {
    return `m_${createHmac('sha256', this.deps.pseudonymSecret).update(memberId).digest('hex').slice(0, 12)}`;
  }
}

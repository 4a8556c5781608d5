import { commandsFor } from '../../framework/command.ts';
import { option } from '../../framework/options.ts';
import type { PrivacyService } from '../privacy-service.ts';

/** The privacy feature's handles, as its commands see them in `ctx.services`. */
export interface PrivacyHandles {
  /** Export and erasure of a member's data across every feature. */
  privacy: PrivacyService;
}

const definePrivacyCommand = commandsFor<PrivacyHandles>();

export const privacyExportCommand = definePrivacyCommand({
  name: 'privacy export',
  description: { en: 'Download everything Cohort keeps about you', 'zh-CN': '下载 Cohort 保存的你的全部数据' },
  permission: 'member',
  options: {},
  slow: true,
  async handler({ member, services, t, clock }) {
    const data = await services.privacy.export(member);
    const day = clock.now().toISOString().slice(0, 10);
    return {
      text: t('privacy:exportReady', { sections: Object.keys(data.sections).join(t('common:listSeparator')) }),
      file: {
        filename: `cohort-data-${member.handle}-${day}.json`,
        contentType: 'application/json',
        data: new TextEncoder().encode(JSON.stringify(data, null, 2)),
        description: t('privacy:exportFile'),
      },
      ephemeral: true,
    };
  },
});

export const privacyForgetCommand = definePrivacyCommand({
  name: 'privacy forget',
  description: { en: 'Erase your data in this community', 'zh-CN': '删除你在本社区的数据' },
  permission: 'member',
  options: {
    confirm: option.choice({
      description: { en: 'Type yes to confirm', 'zh-CN': '输入 yes 确认' },
      choices: ['yes'] as const,
    }),
  },
  async handler({ input, member, services, t }) {
    // Said before the confirmation button, not after the member pressed it.
    await services.privacy.assertErasable(member);
    if (input.confirm !== 'yes') {
      return {
        text: t('privacy:forgetConfirm'),
        tone: 'warning',
        buttons: [{ label: t('privacy:forgetButton'), action: '/privacy forget yes', style: 'danger' }],
        ephemeral: true,
      };
    }
    const { touched } = await services.privacy.forget(member);
    const count = Object.values(touched).reduce((a, b) => a + b, 0);
    return { text: t('privacy:forgotten', { count }), tone: 'success', ephemeral: true };
  },
});

/** For erasure requests that reach the operators by other routes (email, support desk). */
export const privacyForgetMemberCommand = definePrivacyCommand({
  name: 'privacy erase',
  description: { en: 'Erase a member’s data on their request', 'zh-CN': '应成员要求删除其数据' },
  permission: 'admin',
  options: { member: option.member({ description: { en: 'Whose data', 'zh-CN': '成员' }, required: true }) },
  async handler({ input, services, t }) {
    const { touched } = await services.privacy.forget(input.member);
    const count = Object.values(touched).reduce((a, b) => a + b, 0);
    return {
      text: t('privacy:forgottenMember', { name: input.member.displayName, count }),
      tone: 'success',
      ephemeral: true,
    };
  },
});

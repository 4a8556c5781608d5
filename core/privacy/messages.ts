import type { Messages } from '../i18n/translate.ts';

export const privacyMessages: Messages = {
  en: {
    exportReady: 'Here is everything Cohort keeps about you in this community ({{sections}}).',
    exportFile: 'Your Cohort data',
    forgetConfirm:
      'This erases your activity, profile, feed posts and points history in this community and cannot be undone. Paid orders stay as anonymous accounting records. Press the button to confirm.',
    forgetButton: 'Erase my data',
    lastAdmin:
      '{{name}} is the last admin of this community, so their data cannot be erased yet: no one could run the community afterwards. Make another member an admin first, then ask again.',
    forgotten:
      'Done. Your data in this community has been erased ({{count}} records). Cohort no longer knows who you were here.',
    forgottenMember: '{{name}}’s data has been erased ({{count}} records).',
  },
  'zh-CN': {
    exportReady: '以下是 Cohort 在本社区保存的你的全部数据（{{sections}}）。',
    exportFile: '你的 Cohort 数据',
    forgetConfirm:
      '此操作将删除你在本社区的活动记录、画像、发帖和积分历史，且无法撤销。已付款订单将作为匿名账务记录保留。请点击按钮确认。',
    forgetButton: '删除我的数据',
    lastAdmin:
      '{{name}} 是本社区最后一位管理员，暂时不能删除其数据：删除后将无人能管理社区。请先任命另一位成员为管理员，然后再申请。',
    forgotten: '已完成。你在本社区的数据已删除（{{count}} 条记录），Cohort 不再知道你在这里的身份。',
    forgottenMember: '{{name}} 的数据已删除（{{count}} 条记录）。',
  },
};

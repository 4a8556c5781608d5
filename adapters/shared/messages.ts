import type { Locale } from '../../core/domain/types.ts';
import { type Messages, Translator } from '../../core/i18n/translate.ts';

/**
 * Words the adapters say themselves, about delivery rather than about any command (core may not import adapters,
 * so they live here, in the same en/zh-CN shape as core's catalog).
 */
export const adapterMessages: Messages = {
  en: {
    sentPrivately: '📬 I sent this to you in a private message.',
    cannotMessagePrivately:
      'I can’t send you this privately yet. Open a chat with @{{bot}}, press Start, then run the command again.',
    accessInvite: '🎓 Your course access is ready. Join with this one-time link: {{link}}',
    fileUndelivered: 'I couldn’t deliver the file just now. Please try again in a little while.',
    pagePrevious: '◀ prev',
    pageNext: '▶ next',
    pagesExpired: 'These pages have expired. Please run the command again.',
  },
  'zh-CN': {
    sentPrivately: '📬 已通过私信发送给你。',
    cannotMessagePrivately: '暂时无法私信你。请先打开与 @{{bot}} 的对话并点击「开始」，然后重新运行该命令。',
    accessInvite: '🎓 你的课程权限已开通，请通过此一次性链接加入：{{link}}',
    fileUndelivered: '文件暂时无法发送，请稍后再试。',
    pagePrevious: '◀ 上一页',
    pageNext: '▶ 下一页',
    pagesExpired: '这些页面已过期，请重新运行该命令。',
  },
};

const translator = new Translator({ adapters: adapterMessages });

export function adapterText(locale: Locale, key: string, params?: Record<string, unknown>): string {
  return translator.forLocale(locale)(`adapters:${key}`, params);
}

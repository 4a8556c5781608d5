import { commerceMessages } from '../commerce/messages.ts';
import { contentMessages } from '../content/messages.ts';
import { interactionsMessages } from '../interactions/messages.ts';
import { privacyMessages } from '../privacy/messages.ts';
import { recommendMessages } from '../recommend/messages.ts';
import { commonMessages } from './common.messages.ts';
import type { Messages } from './translate.ts';

/**
 * Every namespace of user-facing strings. A feature registers its `messages.ts` here with one line;
 * `t('<namespace>:<key>')` reaches it. A test checks that en and zh-CN have the same keys everywhere.
 */
export const catalog: Record<string, Messages> = {
  common: commonMessages,
  commerce: commerceMessages,
  privacy: privacyMessages,
  content: contentMessages,
  recommend: recommendMessages,
  interactions: interactionsMessages,
};

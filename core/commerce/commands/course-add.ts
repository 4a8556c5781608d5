import { isCurrency, parsePrice } from '../../domain/money.ts';
import { shortIdFor } from '../../domain/short-id.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { courseRef } from '../commerce-service.ts';
import { courseLanguage, defineCommerceCommand, parseCourseTags } from './shared.ts';

export const courseAddCommand = defineCommerceCommand({
  name: 'course add',
  description: { en: 'Add a course or other paid content to the catalogue', 'zh-CN': '将课程或付费内容加入目录' },
  permission: 'creator',
  options: {
    title: option.string({
      description: { en: 'Title (quote it if it has spaces)', 'zh-CN': '标题（含空格请加引号）' },
      required: true,
      maxLength: 120,
    }),
    price: option.string({
      description: { en: 'Price, e.g. 199 or 19.90 (0 = free)', 'zh-CN': '价格，例如 199 或 19.90（0 为免费）' },
      required: true,
      maxLength: 16,
    }),
    model: option.choice({
      description: {
        en: 'one_off, subscription or membership',
        'zh-CN': 'one_off（单次）、subscription（订阅）或 membership（会员）',
      },
      choices: ['one_off', 'subscription', 'membership'] as const,
    }),
    currency: option.string({
      description: { en: 'Currency code, default CNY', 'zh-CN': '货币代码，默认 CNY' },
      maxLength: 3,
    }),
    tags: option.string({
      description: { en: 'Topics, comma-separated', 'zh-CN': '主题，用逗号分隔' },
      maxLength: 200,
    }),
    description: option.string({
      description: { en: 'What members will learn', 'zh-CN': '课程简介' },
      rest: true,
      maxLength: 1000,
    }),
  },
  async handler({ input, member, community, services, t, clock, interactionId }) {
    const currency = (input.currency ?? 'CNY').toUpperCase();
    if (!isCurrency(currency))
      throw new UserError('CURRENCY_INVALID', 'commerce:errors.currencyInvalid', { currency: input.currency });
    const priceMinor = parsePrice(input.price, currency);
    if (priceMinor === null)
      throw new UserError('PRICE_INVALID', 'commerce:errors.priceInvalid', { price: input.price, currency });
    const tags = parseCourseTags(input.tags);
    const course = await services.courses.create({
      // Keyed by the delivery: a delivery run again after a crash finds this course instead of adding a second.
      ...(interactionId ? { id: shortIdFor(`course:${community.id}:${interactionId}`) } : {}),
      communityId: community.id,
      creatorId: member.id,
      title: input.title,
      description: input.description ?? '',
      tags,
      language: courseLanguage(input.title, input.description ?? ''),
      priceMinor,
      currency,
      paymentModel: input.model ?? 'one_off',
      createdAt: clock.now(),
    });
    return { text: t('commerce:added', { title: course.title, ref: courseRef(course.id) }), tone: 'success' };
  },
});

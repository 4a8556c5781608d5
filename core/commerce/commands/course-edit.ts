import { formatPrice, parsePrice } from '../../domain/money.ts';
import { UserError } from '../../errors.ts';
import { option } from '../../framework/options.ts';
import { courseRef } from '../commerce-service.ts';
import { courseLanguage, courseRefDescription, defineCommerceCommand, parseCourseTags } from './shared.ts';

const courseOption = option.string({ description: courseRefDescription, required: true, maxLength: 40 });

/**
 * A creator corrects their course: title, price, topics, description. What was sold stays as sold: the currency
 * and payment model do not change, and open orders keep the price they were opened at.
 */
export const courseEditCommand = defineCommerceCommand({
  name: 'course edit',
  description: {
    en: 'Change a course’s title, price, topics or description',
    'zh-CN': '修改课程的标题、价格、主题或简介',
  },
  permission: 'creator',
  options: {
    course: courseOption,
    title: option.string({
      description: { en: 'New title, e.g. title:"Options 101"', 'zh-CN': '新标题，例如 title:"期权入门"' },
      named: true,
      maxLength: 120,
    }),
    price: option.string({
      description: { en: 'New price, e.g. price:29.90 (0 = free)', 'zh-CN': '新价格，例如 price:29.90（0 为免费）' },
      named: true,
      maxLength: 16,
    }),
    tags: option.string({
      description: { en: 'New topics, e.g. tags:ai,writing', 'zh-CN': '新主题，例如 tags:ai,writing' },
      named: true,
      maxLength: 200,
    }),
    description: option.string({
      description: { en: 'New description (the rest of the line)', 'zh-CN': '新简介（该行其余部分）' },
      rest: true,
      maxLength: 1000,
    }),
  },
  async handler({ input, member, community, services, t, locale, clock }) {
    const { commerce, courses } = services;
    const course = await commerce.findCourse(community.id, input.course);
    commerce.assertManages(member, course);
    if (input.title === undefined && input.price === undefined && input.tags === undefined && !input.description)
      throw new UserError('COURSE_EDIT_EMPTY', 'commerce:editNothing');
    let priceMinor: number | undefined;
    if (input.price !== undefined) {
      const parsed = parsePrice(input.price, course.currency);
      if (parsed === null)
        throw new UserError('PRICE_INVALID', 'commerce:errors.priceInvalid', {
          price: input.price,
          currency: course.currency,
        });
      priceMinor = parsed;
    }
    const title = input.title?.trim() || course.title;
    const description = input.description ?? course.description;
    const edited = await courses.update(
      course.id,
      {
        title,
        description,
        ...(input.tags !== undefined ? { tags: parseCourseTags(input.tags) } : {}),
        ...(priceMinor !== undefined ? { priceMinor } : {}),
        language: courseLanguage(title, description),
      },
      clock.now(),
    );
    const priceNote =
      priceMinor !== undefined && priceMinor !== course.priceMinor
        ? t('commerce:editedPrice', { price: formatPrice(priceMinor, course.currency, locale) })
        : '';
    return {
      tone: 'success',
      text: t('commerce:edited', { title: edited.title, ref: courseRef(edited.id), price: priceNote }),
    };
  },
});

const saleCommand = (name: 'course archive' | 'course restore', archive: boolean) =>
  defineCommerceCommand({
    name,
    description: archive
      ? { en: 'Take a course off sale (owners keep it)', 'zh-CN': '下架课程（已拥有者保留）' }
      : { en: 'Put an archived course back on sale', 'zh-CN': '重新上架已下架的课程' },
    permission: 'creator',
    options: { course: courseOption },
    async handler({ input, member, community, services, t, clock }) {
      const { commerce } = services;
      const course = await commerce.findCourse(community.id, input.course);
      commerce.assertManages(member, course);
      const archived = Boolean((await commerce.settings(course)).archivedAt);
      const params = { title: course.title, ref: courseRef(course.id) };
      if (archived === archive) {
        const text = t(archive ? 'commerce:alreadyArchived' : 'commerce:alreadyOnSale', params);
        return { tone: 'info', ephemeral: true, text };
      }
      await commerce.setAccess(course, { archivedAt: archive ? clock.now() : null });
      return { tone: 'success', text: t(archive ? 'commerce:archivedNow' : 'commerce:restoredNow', params) };
    },
  });

export const courseArchiveCommand = saleCommand('course archive', true);
export const courseRestoreCommand = saleCommand('course restore', false);

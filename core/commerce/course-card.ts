import { formatPrice } from '../domain/money.ts';
import type { ReplyButton, RichReply } from '../domain/reply.ts';
import type { Course, Locale, Member } from '../domain/types.ts';
import type { Translate } from '../i18n/translate.ts';
import { short } from './commerce-service.ts';
import type { CourseAccess, Entitlement } from './types.ts';

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(date);
}

/** The card a course shows wherever it appears: price and model, topics, and the action that fits the viewer. */
export function courseCard(input: {
  course: Course;
  creator: Member | null;
  access: CourseAccess | null;
  owned: Entitlement | null;
  locale: Locale;
  timeZone: string;
  t: Translate;
  title?: string;
}): RichReply {
  const { course, t, locale } = input;
  const days = input.access?.periodDays ?? (course.paymentModel === 'membership' ? 365 : 30);
  const price =
    formatPrice(course.priceMinor, course.currency, locale) + t(`commerce:period.${course.paymentModel}`, { days });
  const buyLabel =
    course.paymentModel === 'subscription' ? 'subscribe' : course.paymentModel === 'membership' ? 'join' : 'buy';
  const buttons: ReplyButton[] = [];
  if (!input.owned || input.owned.expiresAt)
    buttons.push({ label: t(`commerce:card.${buyLabel}`), action: `/buy ${course.id}`, style: 'primary' });
  if (input.title) buttons.push({ label: t('commerce:card.details'), action: `/course show ${course.id}` });
  if (course.url) buttons.push({ label: 'URL', url: course.url });
  const until = input.owned?.expiresAt
    ? t('commerce:card.until', { date: formatDate(input.owned.expiresAt, locale, input.timeZone) })
    : '';
  return {
    title: input.title ? `${input.title}: ${course.title}` : course.title,
    text: [course.description, input.creator ? t('commerce:card.by', { creator: input.creator.displayName }) : '']
      .filter(Boolean)
      .join('\n'),
    fields: [
      { name: t('commerce:card.price'), value: price, inline: true },
      { name: t('commerce:card.model'), value: t(`commerce:models.${course.paymentModel}`), inline: true },
      { name: t('commerce:card.tags'), value: course.tags.join(', ') || '—', inline: true },
      { name: t('commerce:card.ref'), value: `#${short(course.id)}`, inline: true },
    ],
    footer: input.owned ? t('commerce:card.owned', { until }) : undefined,
    buttons,
  };
}

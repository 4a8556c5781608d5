import { topicList } from '../domain/glossary.ts';
import { formatPrice, minorDigits } from '../domain/money.ts';
import type { ReplyButton, RichReply } from '../domain/reply.ts';
import type { Course, Locale, Member } from '../domain/types.ts';
import type { Translate } from '../i18n/translate.ts';
import { courseRef } from './commerce-service.ts';
import type { CourseAccess, Entitlement } from './types.ts';

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(date);
}

/**
 * The card a course shows wherever it appears: price and model, topics, its id (the one every command takes), and
 * the actions that fit the viewer. A promotion card carries a clear Paid/Free label, and its buttons carry the
 * promotion's id so a press counts as a click and an order as coming from it.
 */
export function courseCard(input: {
  course: Course;
  creator: Member | null;
  access: CourseAccess | null;
  owned: Entitlement | null;
  locale: Locale;
  timeZone: string;
  t: Translate;
  title?: string;
  /** A promotion card: labelled, with tracked buttons. */
  promotionId?: string;
  /** The viewer may start the course's free trial. */
  trialAvailable?: boolean;
}): RichReply {
  const { course, t, locale } = input;
  const ref = courseRef(course.id);
  const days = input.access?.periodDays ?? (course.paymentModel === 'membership' ? 365 : 30);
  const price =
    formatPrice(course.priceMinor, course.currency, locale) + t(`commerce:period.${course.paymentModel}`, { days });
  const buyLabel =
    course.paymentModel === 'subscription' ? 'subscribe' : course.paymentModel === 'membership' ? 'join' : 'buy';
  const archived = Boolean(input.access?.archivedAt);
  const from = input.promotionId ? ` from:${input.promotionId}` : '';
  const buttons: ReplyButton[] = [];
  if (!archived && (!input.owned || input.owned.expiresAt))
    buttons.push({ label: t(`commerce:card.${buyLabel}`), action: `/buy ${ref}${from}`, style: 'primary' });
  if (!archived && input.trialAvailable && input.access?.trialDays)
    buttons.push({ label: t('commerce:trialButton', { days: input.access.trialDays }), action: `/trial ${ref}` });
  if (input.title) buttons.push({ label: t('commerce:card.details'), action: `/course show ${ref}${from}` });
  if (course.url) buttons.push({ label: 'URL', url: course.url });
  const until = input.owned?.expiresAt
    ? t('commerce:card.until', { date: formatDate(input.owned.expiresAt, locale, input.timeZone) })
    : '';
  const label = course.priceMinor > 0 ? t('commerce:paidLabel') : t('commerce:freeLabel');
  const heading = input.title ? `${input.title}: ${course.title}` : course.title;
  const points =
    !archived &&
    input.access &&
    input.access.pointsPerUnit > 0 &&
    input.access.pointsCapPercent > 0 &&
    course.priceMinor > 0
      ? t('commerce:pointsOffer', {
          cap: input.access.pointsCapPercent,
          rate: input.access.pointsPerUnit,
          unit: formatPrice(10 ** minorDigits(course.currency), course.currency, locale),
          course: ref,
        })
      : '';
  return {
    title: input.promotionId ? `[${label}] ${heading}` : heading,
    text: [
      archived ? t('commerce:archivedLabel') : '',
      course.description,
      input.creator ? t('commerce:card.by', { creator: input.creator.displayName }) : '',
      points,
    ]
      .filter(Boolean)
      .join('\n'),
    fields: [
      { name: t('commerce:card.price'), value: price, inline: true },
      { name: t('commerce:card.model'), value: t(`commerce:models.${course.paymentModel}`), inline: true },
      ...(input.access?.trialDays && course.paymentModel !== 'one_off'
        ? [
            {
              name: t('commerce:card.trial'),
              value: t('commerce:card.trialDays', { days: input.access.trialDays }),
              inline: true,
            },
          ]
        : []),
      { name: t('commerce:card.tags'), value: topicList(course.tags, locale) || '—', inline: true },
      { name: t('commerce:card.ref'), value: `#${ref}`, inline: true },
    ],
    footer: input.owned ? t('commerce:card.owned', { until }) : undefined,
    buttons,
    tone: archived ? 'warning' : undefined,
  };
}

import type { Telegram } from 'telegraf';
import { z } from 'zod';
import { STARS } from '../../core/domain/money.ts';
import type { Locale } from '../../core/domain/types.ts';
import { normalizeLocale } from '../../core/i18n/translate.ts';
import type { PaymentService } from '../../core/payments/payment-service.ts';
import type { CheckoutRequest, PaymentGateway } from '../../core/payments/ports.ts';
import type { Payment, ProviderRecord } from '../../core/payments/types.ts';
import type { Logger } from '../../core/ports/logger.ts';

/**
 * Telegram Stars (XTR) on telegraf 4.16, whose types stop at Bot API 7.1: the Stars methods and fields
 * (`subscription_period`, `refundStarPayment`, `getStarTransactions`, `subscription_expiration_date`) are called
 * through telegraf's raw `callApi` with the local types below, and every update field is parsed with Zod here
 * (docs/adr/0014-payments.md explains why not grammY).
 */

/** Telegram sells Stars subscriptions in one period only: 30 days. */
export const STARS_SUBSCRIPTION_SECONDS = 2_592_000;
/** Telegram waits 10 s for the answer to a pre-checkout query; answer well inside it. */
export const PRE_CHECKOUT_BUDGET_MS = 8_000;
/** An unpaid order older than this is stale: its price or the buyer's intent may have changed. */
export const STALE_ORDER_MS = 7 * 86_400_000;

interface StarsMethods {
  createInvoiceLink: {
    title: string;
    description: string;
    payload: string;
    currency: 'XTR';
    prices: Array<{ label: string; amount: number }>;
    subscription_period?: number;
  };
  answerPreCheckoutQuery: { pre_checkout_query_id: string; ok: boolean; error_message?: string };
  refundStarPayment: { user_id: number; telegram_payment_charge_id: string };
  getStarTransactions: { offset?: number; limit?: number };
  sendMessage: { chat_id: number | string; text: string };
}
type RawApi = <M extends keyof StarsMethods>(method: M, payload: StarsMethods[M]) => Promise<unknown>;

export function rawApi(telegram: Telegram): RawApi {
  const call = telegram.callApi.bind(telegram) as unknown as (m: string, p: unknown) => Promise<unknown>;
  return (method, payload) => call(method, payload);
}

const User = z.object({ id: z.number().int(), language_code: z.string().optional() });
export const PreCheckoutQuery = z.object({
  id: z.string(),
  from: User,
  currency: z.string(),
  total_amount: z.number().int(),
  invoice_payload: z.string(),
});
export const SuccessfulPayment = z.object({
  currency: z.string(),
  total_amount: z.number().int(),
  invoice_payload: z.string(),
  telegram_payment_charge_id: z.string().min(1),
  provider_payment_charge_id: z.string().optional(),
  subscription_expiration_date: z.number().int().optional(),
  is_recurring: z.boolean().optional(),
  is_first_recurring: z.boolean().optional(),
});
const StarsUpdate = z.object({
  update_id: z.number().int(),
  pre_checkout_query: PreCheckoutQuery.optional(),
  message: z
    .object({
      chat: z.object({ id: z.number().int() }),
      from: User.optional(),
      successful_payment: SuccessfulPayment.optional(),
    })
    .optional(),
});
const StarTransactions = z.object({
  transactions: z.array(
    z.object({
      id: z.string(),
      amount: z.number().int(),
      date: z.number().int(),
      source: z.object({ type: z.string(), user: User.optional(), invoice_payload: z.string().optional() }).optional(),
      receiver: z.object({ type: z.string(), user: User.optional() }).optional(),
    }),
  ),
});

/** The payment gateway for Stars: invoice links, refunds, and the bot's Stars transactions for reconciliation. */
export function starsGateway(telegram: Telegram): PaymentGateway {
  const api = rawApi(telegram);
  return {
    provider: 'telegram',
    supports: (platform, currency) => platform === 'telegram' && currency === STARS,
    async checkout(request: CheckoutRequest) {
      const link = await api('createInvoiceLink', {
        title: request.title.slice(0, 32),
        description: request.description.slice(0, 255),
        // The order id is the payload: pre-checkout and successful_payment find the order by it.
        payload: request.orderId,
        currency: STARS,
        prices: [{ label: request.title.slice(0, 32), amount: request.amountMinor }],
        ...(request.renewEveryDays === 30 ? { subscription_period: STARS_SUBSCRIPTION_SECONDS } : {}),
      });
      return { url: z.string().url().parse(link) };
    },
    async refund(payment: Payment) {
      if (!payment.payerRef) throw new Error(`Stars payment ${payment.providerRef} has no payer to refund`);
      await api('refundStarPayment', {
        user_id: Number(payment.payerRef),
        telegram_payment_charge_id: payment.providerRef,
      });
      return { refundRef: `refund:${payment.providerRef}` };
    },
    async records(since: Date): Promise<ProviderRecord[]> {
      const records: ProviderRecord[] = [];
      const refunded = new Set<string>();
      for (let offset = 0; offset < 10_000; offset += 100) {
        const page = StarTransactions.parse(await api('getStarTransactions', { offset, limit: 100 }));
        for (const t of page.transactions) {
          if (t.receiver?.type === 'user') refunded.add(t.id);
          if (t.source?.type !== 'user' || t.date * 1000 < since.getTime()) continue;
          records.push({
            provider: 'telegram',
            providerRef: t.id,
            orderId: t.source.invoice_payload ?? null,
            amountMinor: t.amount,
            currency: STARS,
            refunded: false,
            paidAt: new Date(t.date * 1000),
            payerRef: t.source.user ? String(t.source.user.id) : null,
          });
        }
        if (page.transactions.length < 100 || page.transactions.every((t) => t.date * 1000 < since.getTime())) break;
      }
      for (const r of records) r.refunded = refunded.has(r.providerRef);
      return records;
    },
  };
}

/**
 * Handles the two Stars updates: a pre-checkout query is answered at once (yes only for a pending, fresh order of
 * this buyer at its price), a successful payment is fulfilled once per `telegram_payment_charge_id`. Returns
 * false for every other update, which the adapter handles as usual.
 */
export function starsUpdates(deps: {
  telegram: Telegram;
  payments: PaymentService;
  log: Logger;
  now: () => Date;
}): (update: unknown) => Promise<boolean> {
  const api = rawApi(deps.telegram);
  const { payments, log } = deps;
  const localeOf = (code: string | undefined): Locale => normalizeLocale(code) ?? 'en';

  async function verdict(q: z.infer<typeof PreCheckoutQuery>): Promise<string | null> {
    const order = await payments.order(q.invoice_payload);
    if (!order) return 'unknown';
    if (order.status === 'paid' || order.status === 'refunded') return 'alreadyPaid';
    if (order.status !== 'pending') return 'cancelled';
    if (order.buyerPlatformUserId !== String(q.from.id)) return 'notYours';
    if (q.currency !== STARS || order.currency !== STARS || q.total_amount !== order.amountMinor) return 'priceChanged';
    if (deps.now().getTime() - order.createdAt.getTime() > STALE_ORDER_MS) return 'stale';
    return null;
  }

  async function preCheckout(q: z.infer<typeof PreCheckoutQuery>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('busy'), PRE_CHECKOUT_BUDGET_MS);
    });
    const refusal = await Promise.race([verdict(q).catch(() => 'busy'), late]);
    clearTimeout(timer);
    await api('answerPreCheckoutQuery', {
      pre_checkout_query_id: q.id,
      ok: refusal === null,
      ...(refusal
        ? { error_message: payments.text(localeOf(q.from.language_code), `payments:stars.refused.${refusal}`) }
        : {}),
    });
    log.info({ order: q.invoice_payload, ok: refusal === null, reason: refusal }, 'stars pre-checkout answered');
  }

  async function paid(chatId: number, from: z.infer<typeof User> | undefined, p: z.infer<typeof SuccessfulPayment>) {
    const at = deps.now();
    const renewal = p.is_recurring === true && p.is_first_recurring === false;
    const periodEnd = p.subscription_expiration_date ? new Date(p.subscription_expiration_date * 1000) : null;
    const handled = await payments.once(
      'telegram',
      `charge:${p.telegram_payment_charge_id}`,
      'successful_payment',
      () =>
        renewal && periodEnd
          ? payments.renewed({
              provider: 'telegram',
              providerRef: p.telegram_payment_charge_id,
              subscriptionRef: `order:${p.invoice_payload}`,
              amountMinor: p.total_amount,
              currency: p.currency,
              periodEnd,
              at,
            })
          : payments.paid({
              provider: 'telegram',
              providerRef: p.telegram_payment_charge_id,
              orderId: p.invoice_payload,
              amountMinor: p.total_amount,
              currency: p.currency,
              at,
              payerRef: from ? String(from.id) : String(chatId),
              subscriptionRef: p.is_recurring ? `order:${p.invoice_payload}` : null,
              periodEnd,
            }),
    );
    if (handled.duplicate) return;
    const order = await payments.order(p.invoice_payload);
    const key =
      handled.outcome === 'granted' || handled.outcome === 'extended'
        ? 'thanks'
        : handled.outcome === 'refunded'
          ? 'refundedCancelled'
          : handled.outcome === 'already'
            ? null
            : 'problem';
    if (key)
      await api('sendMessage', {
        chat_id: chatId,
        text: payments.text(localeOf(from?.language_code), `payments:stars.${key}`, {
          title: order?.courseTitle ?? '',
        }),
      }).catch((error: unknown) => log.warn({ err: error }, 'stars receipt not sent'));
  }

  return async (raw) => {
    const parsed = StarsUpdate.safeParse(raw);
    if (!parsed.success) return false;
    const { pre_checkout_query: query, message } = parsed.data;
    if (query) {
      await preCheckout(query);
      return true;
    }
    if (message?.successful_payment) {
      await paid(message.chat.id, message.from, message.successful_payment);
      return true;
    }
    return false;
  };
}

/**
 * Webhook to entitlement: a signed Stripe `checkout.session.completed` posted to the webhook listener (hardened
 * listener, signature check, de-duplication, payment and ledger rows, order confirmation, entitlement) until the
 * answer, on SQLite, for N orders; then the same events delivered again (duplicates: de-duplicated by event id).
 * Median and p90 over the deliveries, each run in its own fresh app. `npm run bench -- payments`; PAYMENTS_BENCH_N.
 */
import { stripeEvent } from '../test/fakes/stripe.ts';
import { startStripeHarness } from '../test/payments/stripe-harness.ts';
import type { BenchReport } from './run.ts';

const N = Number(process.env.PAYMENTS_BENCH_N ?? 40);
const ROUNDS = 3;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

export async function run(report: BenchReport): Promise<void> {
  const firstMedians: number[] = [];
  const dupMedians: number[] = [];
  let granted = 0;
  let duplicatesGranted = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const h = await startStripeHarness();
    try {
      const events = [];
      for (let i = 0; i < N; i++) {
        const title = `Bench ${round}-${i}`;
        await h.say(`@creator /course add "${title}" 10 one_off USD b`);
        const course = (await h.app.database.prisma.course.findFirstOrThrow({ where: { title } })).id;
        const order = /#([a-z0-9]{8})/.exec(await h.say(`@alice /buy ${course}`))?.[1];
        const session = /cs_test_\d+/.exec(await h.say(`@alice /pay ${order}`))?.[0] ?? '';
        events.push(stripeEvent(h.nextEventId(), 'checkout.session.completed', h.fake.complete(session)));
      }
      for (const event of events) await h.deliver(event);
      const first = h.handled.filter((e) => !e.duplicate);
      granted += first.filter((e) => e.result === 'granted').length;
      for (const event of events) await h.deliver(event);
      const dups = h.handled.filter((e) => e.duplicate);
      duplicatesGranted += dups.filter((e) => e.result === 'granted').length;
      firstMedians.push(
        quantile(
          first.map((e) => e.ms),
          0.5,
        ),
      );
      dupMedians.push(
        quantile(
          dups.map((e) => e.ms),
          0.5,
        ),
      );
      if (round === ROUNDS - 1)
        report({
          name: 'webhook → entitlement p90 (last round)',
          value: quantile(
            first.map((e) => e.ms),
            0.9,
          ),
          unit: 'ms',
        });
    } finally {
      await h.dispose();
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const spread = (v: number[]) => `rounds ${v.map((x) => x.toFixed(1)).join(' / ')} ms`;
  report({
    name: 'webhook → entitlement, median (mean of rounds)',
    value: mean(firstMedians),
    unit: 'ms',
    note: `${spread(firstMedians)}, N=${N}, SQLite, measured under load`,
  });
  report({ name: 'duplicate delivery handled, median', value: mean(dupMedians), unit: 'ms', note: spread(dupMedians) });
  report({ name: 'first deliveries granted', value: granted, unit: `of ${N * ROUNDS}` });
  report({ name: 'duplicate deliveries that granted', value: duplicatesGranted, unit: `of ${N * ROUNDS}` });
}

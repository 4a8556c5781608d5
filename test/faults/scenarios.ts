import { digestScenario } from './digest-scenario.ts';
import { orderScenario } from './order-scenario.ts';
import { providerPaymentScenario } from './provider-payment-scenario.ts';
import { redemptionScenario } from './redemption-scenario.ts';
import type { FaultScenario } from './scenario.ts';
import { tipScenario } from './tip-scenario.ts';
import { weeklyReportScenario } from './weekly-report-scenario.ts';

/**
 * Every operation the fault suite breaks, each at every one of its steps, with kill -9 and with SIGTERM: a tip, an
 * order payment, a provider's payment notice, a scheduled digest post, a weekly report and a points redemption. To add
 * one, write a FaultScenario (see tip-scenario.ts) and list it here.
 */
export const SCENARIOS: readonly FaultScenario<never>[] = [
  tipScenario as FaultScenario<never>,
  orderScenario as FaultScenario<never>,
  providerPaymentScenario as FaultScenario<never>,
  digestScenario as FaultScenario<never>,
  weeklyReportScenario as FaultScenario<never>,
  redemptionScenario as FaultScenario<never>,
];

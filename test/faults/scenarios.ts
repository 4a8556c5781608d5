import { orderScenario } from './order-scenario.ts';
import type { FaultScenario } from './scenario.ts';
import { tipScenario } from './tip-scenario.ts';

/**
 * Every operation the fault suite breaks, each at every one of its steps, with kill -9 and with SIGTERM.
 *
 * To add one, write a FaultScenario (see tip-scenario.ts) and list it here. Waiting for the scheduled-post runner
 * with leases (branch `modules`): `digest-post` (claim → build → send → platform acknowledgement → mark posted) and
 * `weekly-report` (claim → send → mark posted), each checked for "every slot posted exactly once".
 */
export const SCENARIOS: readonly FaultScenario<never>[] = [
  tipScenario as FaultScenario<never>,
  orderScenario as FaultScenario<never>,
];

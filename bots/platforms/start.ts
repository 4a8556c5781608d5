import { PlatformStartError, type StartSetting } from '../../adapters/shared/start-error.ts';
import type { PlatformName } from '../config.ts';
import type { PlatformDeps, RunningPlatform } from './types.ts';

/** How long a platform may take to start (log in, reach its API, open its listener) before it counts as unreachable. */
export const PLATFORM_START_TIMEOUT_MS = 30_000;

/** The variables behind a platform's start-up settings, with the value in use where it helps (an API address). */
export type StartVariables = { token: { name: string } } & Partial<
  Record<StartSetting, { name: string; value?: string }>
>;

/** What a platform module (bots/platforms/<name>.ts) provides. */
export interface PlatformModule {
  start(deps: PlatformDeps): Promise<RunningPlatform>;
  startVariables(config: PlatformDeps['config']): StartVariables;
}

export type StartOutcome =
  | { ok: true; platform: RunningPlatform }
  | { ok: false; line: string; code: string; error: unknown };

const LABELS: Record<PlatformName, string> = { discord: 'Discord', slack: 'Slack', telegram: 'Telegram' };

/** One line naming the platform, the variable and the platform's answer. */
export function describeStartFailure(
  name: PlatformName,
  error: unknown,
  variables: StartVariables,
): { line: string; code: string } {
  const label = LABELS[name];
  if (error instanceof PlatformStartError) {
    const variable = variables[error.setting] ?? variables.token;
    const shown = variable.value ? `${variable.name}=${variable.value}` : variable.name;
    if (error.failure === 'PLATFORM_REFUSED')
      return { code: error.code, line: `${label} refused ${variable.name}: ${error.answer}` };
    if (error.failure === 'LISTEN_FAILED')
      return { code: error.code, line: `${label} cannot listen on ${variable.name} (${error.answer})` };
    return { code: error.code, line: `${label} is unreachable at start (${shown}): ${error.answer}` };
  }
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
  return { code: 'PLATFORM_START_FAILED', line: `${label} failed to start: ${message}` };
}

/**
 * Starts one platform within PLATFORM_START_TIMEOUT_MS. A start that answers later is stopped at once, so a
 * platform reported as not started never runs half-registered.
 */
export async function startPlatform(
  name: PlatformName,
  module: PlatformModule,
  deps: PlatformDeps,
  timeoutMs = PLATFORM_START_TIMEOUT_MS,
): Promise<StartOutcome> {
  const starting = module.start(deps);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([starting, timedOut]);
    if (result !== 'timeout') return { ok: true, platform: result };
    void starting.then(
      (late) => late.stop(),
      () => undefined,
    );
    const error = new PlatformStartError(
      name,
      'PLATFORM_UNREACHABLE',
      'apiUrl',
      `no answer within ${timeoutMs / 1000} s`,
    );
    return { ok: false, error, ...describeStartFailure(name, error, module.startVariables(deps.config)) };
  } catch (error) {
    return { ok: false, error, ...describeStartFailure(name, error, module.startVariables(deps.config)) };
  } finally {
    clearTimeout(timer);
  }
}

import { describe, expect, it } from 'vitest';
import { ListenError } from '../../adapters/shared/hardened-listener.ts';
import { listenFailure, PlatformStartError } from '../../adapters/shared/start-error.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { loadConfig } from '../config.ts';
import { startVariables as slackVariables } from './slack.ts';
import { describeStartFailure, type PlatformModule, startPlatform } from './start.ts';
import type { RunningPlatform } from './types.ts';

const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123', SLACK_PORT: '3000' });
const variables = slackVariables(config);

describe('one line per start-up failure', () => {
  it('names the variable and the answer for a refusal, an unreachable API and a busy port', () => {
    const refused = new PlatformStartError('slack', 'PLATFORM_REFUSED', 'appToken', 'invalid_auth');
    expect(describeStartFailure('slack', refused, variables).line).toBe('Slack refused SLACK_APP_TOKEN: invalid_auth');
    const unreachable = new PlatformStartError('slack', 'PLATFORM_UNREACHABLE', 'apiUrl', 'getaddrinfo ENOTFOUND x');
    expect(describeStartFailure('slack', unreachable, variables).line).toBe(
      'Slack is unreachable at start (SLACK_API_URL=https://slack.com/api/ (default)): getaddrinfo ENOTFOUND x',
    );
    const busy = listenFailure('slack', new ListenError('slack-events', '127.0.0.1', 3000, 'EADDRINUSE'));
    expect(describeStartFailure('slack', busy, variables)).toEqual({
      code: 'LISTEN_FAILED',
      line: 'Slack cannot listen on SLACK_HOST:SLACK_PORT (127.0.0.1:3000 EADDRINUSE)',
    });
    expect(describeStartFailure('slack', new TypeError('boom\n    at x'), variables).line).toBe(
      'Slack failed to start: boom',
    );
  });

  it('counts a start with no answer in time as unreachable, and stops it if it answers later', async () => {
    let stopped = false;
    let finish!: (platform: RunningPlatform) => void;
    const module: PlatformModule = {
      start: () => new Promise((resolve) => (finish = resolve)),
      startVariables: slackVariables,
    };
    const outcome = await startPlatform('slack', module, { core: {} as never, config, log: silentLogger }, 50);
    expect(outcome).toMatchObject({ ok: false, code: 'PLATFORM_UNREACHABLE' });
    expect(outcome.ok ? '' : outcome.line).toMatch(
      /^Slack is unreachable at start \(SLACK_API_URL=.*\): no answer within/,
    );
    finish({
      name: 'slack',
      messenger: { post: async () => ({ messageId: 'm' }), findPost: async () => ({ found: false }) },
      stop: async () => {
        stopped = true;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stopped).toBe(true);
  });
});

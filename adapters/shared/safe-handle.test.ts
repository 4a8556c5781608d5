import { expect, it } from 'vitest';
import { silentLogger } from '../../core/ports/logger.ts';
import { createTestApp } from '../../test/support/app.ts';
import { handleCommandSafely } from './safe-handle.ts';

it('answers with the internal-error reply, in the member’s language, when core cannot run at all', async () => {
  const app = await createTestApp();
  // The database disappears under the running app: core fails before its own error handling.
  await app.db.drop();
  const outcome = await handleCommandSafely(
    app.core,
    {
      space: { platform: 'telegram', platformId: '-1', name: 'g' },
      user: { platformUserId: '1', handle: 'chen', displayName: 'chen', locale: 'zh-CN' },
      input: { kind: 'text', line: '/help' },
      deliveryId: 'x',
    },
    silentLogger,
  );
  expect(outcome.status).toBe('INTERNAL');
  expect(outcome.locale).toBe('zh-CN');
  expect(outcome.reply).toMatchObject({ tone: 'error', ephemeral: true });
  expect(outcome.reply?.text).toMatch(/[\u4e00-\u9fff]/);
  expect(outcome.reply?.text).toMatch(/[0-9a-f]{8}/);
  await app.close();
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImportGraph, repositorySources } from './import-graph.ts';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));
const rules = (entries: Record<string, string>) =>
  checkImportGraph(files(entries)).map((v) => `${v.rule}: ${v.file}${v.imports ? ` → ${v.imports}` : ''}`);

describe('import graph check', () => {
  it('accepts imports that follow the layers', () => {
    expect(
      rules({
        'core/domain/types.ts': 'export type A = 1;',
        'core/errors.ts': "import type { A } from './domain/types.ts';",
        'core/ports/clock.ts': "import type { A } from '../domain/types.ts';",
        'core/framework/command.ts': "import type { Clock } from '../ports/clock.ts'; import { x } from 'zod';",
        'core/content/service.ts': "import '../framework/command.ts'; import './digest/run.ts';",
        'core/content/digest/run.ts': "import type { E } from '../../errors.ts';",
        'adapters/storage/store.ts': "import type { A } from '../../core/domain/types.ts';",
        'bots/compose.ts': "import '../adapters/storage/store.ts'; import '../core/content/service.ts';",
        'core/content/service.test.ts': "import '../../bots/compose.ts'; import '../../test/support/app.ts';",
      }),
    ).toEqual([]);
  });

  it('refuses an import from a lower repository layer into a higher one', () => {
    expect(
      rules({
        'core/ports/messenger.ts': "import type { X } from '../../adapters/discord/send.ts';",
        'adapters/discord/send.ts': "import { compose } from '../../bots/compose.ts';",
        'bots/compose.ts': "import '../test/support/app.ts';",
      }),
    ).toEqual([
      'layer: core/ports/messenger.ts → adapters/discord/send.ts',
      'layer: adapters/discord/send.ts → bots/compose.ts',
      'layer: bots/compose.ts → test/support/app.ts',
    ]);
  });

  it('refuses an import from a lower core layer into a higher one, and between features', () => {
    expect(
      rules({
        'core/domain/types.ts': "import type { Clock } from '../ports/clock.ts';",
        'core/ports/clock.ts': 'export interface Clock {}',
        'core/ports/messenger.ts': "import type { RichReply } from '../framework/reply.ts';",
        'core/framework/reply.ts': 'export interface RichReply {}',
        'core/framework/catalog.ts': "import { contentMessages } from '../content/messages.ts';",
        'core/content/messages.ts': 'export const contentMessages = {};',
        'core/interactions/weekly.ts': "import { latestSlot } from '../content/messages.ts';",
      }),
    ).toEqual([
      'core-layer: core/domain/types.ts → core/ports/clock.ts',
      'core-layer: core/ports/messenger.ts → core/framework/reply.ts',
      'core-layer: core/framework/catalog.ts → core/content/messages.ts',
      'feature: core/interactions/weekly.ts → core/content/messages.ts',
    ]);
  });

  it('refuses any import cycle in core, type-only imports included', () => {
    const found = checkImportGraph(
      files({
        'core/framework/command.ts': "import type { Services } from './services.ts';",
        'core/framework/services.ts': "import type { AnyCommand } from './command.ts';",
        'core/content/a.ts': "import './b.ts';",
        'core/content/b.ts': "import './c.ts';",
        'core/content/c.ts': "import { a } from './a.ts';",
      }),
    ).filter((v) => v.rule === 'cycle');
    expect(found.map((v) => v.message).sort()).toEqual([
      'import cycle: core/content/a.ts → core/content/b.ts → core/content/c.ts → core/content/a.ts',
      'import cycle: core/framework/command.ts → core/framework/services.ts → core/framework/command.ts',
    ]);
  });

  it('refuses core files outside the layer folders', () => {
    expect(rules({ 'core/services.ts': 'export {};' })).toEqual(['placement: core/services.ts']);
  });

  it('finds nothing wrong in this repository', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    expect(checkImportGraph(repositorySources(root))).toEqual([]);
  });
});

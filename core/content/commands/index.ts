import { digestCommands } from './digest.ts';
import { sourceCommands } from './source.ts';

/** Every command of the content feature, for core/commands/index.ts. */
export const contentCommands = [...sourceCommands, ...digestCommands];

import type { AnyCommand } from '../../framework/command.ts';
import { privacyExportCommand, privacyForgetCommand, privacyForgetMemberCommand } from './privacy.ts';

export const privacyCommands: readonly AnyCommand[] = [
  privacyExportCommand,
  privacyForgetCommand,
  privacyForgetMemberCommand,
];

import { defineFeature } from '../framework/feature.ts';
import {
  type PrivacyHandles,
  privacyExportCommand,
  privacyForgetCommand,
  privacyForgetMemberCommand,
} from './commands/privacy.ts';
import { privacyMessages } from './messages.ts';
import { PrivacyService } from './privacy-service.ts';

/** Privacy self-service: a member's export and erasure reach every feature's personal data. */
export const privacyFeature = defineFeature({
  name: 'privacy',
  messages: privacyMessages,
  services: (ctx): PrivacyHandles => ({
    privacy: new PrivacyService({
      members: ctx.core.members,
      sources: ctx.personalData,
      clock: ctx.clock,
      log: ctx.log,
      pseudonymSecret: ctx.settings.pseudonymSecret,
    }),
  }),
  commands: [privacyExportCommand, privacyForgetCommand, privacyForgetMemberCommand],
});

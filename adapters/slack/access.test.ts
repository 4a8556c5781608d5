import { describe, expect, it } from 'vitest';
import { slackChannelId, slackUserGroupId } from './access.ts';

describe('Slack course access ids', () => {
  it('reads channel ids in the forms a moderator may paste', () => {
    expect(slackChannelId('C0COURSE')).toBe('C0COURSE');
    // What core's `/course access` cleaning leaves of `<#C0COURSE|course>`.
    expect(slackChannelId('C0COURSE|course')).toBe('C0COURSE');
    expect(slackChannelId('<#G0PRIVATE|secret>')).toBe('G0PRIVATE');
  });

  it('reads user group ids from a pasted group mention', () => {
    expect(slackUserGroupId('S0WRITERS')).toBe('S0WRITERS');
    expect(slackUserGroupId('subteam^S0WRITERS|@writers')).toBe('S0WRITERS');
    expect(slackUserGroupId('<!subteam^S0WRITERS|@writers>')).toBe('S0WRITERS');
  });
});

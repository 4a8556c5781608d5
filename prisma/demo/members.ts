import type { Locale, PermissionLevel } from '../../core/domain/types.ts';

export interface DemoMember {
  handle: string;
  displayName: string;
  locale: Locale;
  role: PermissionLevel;
  /** Topics the member gravitates to: drives the generated history. */
  interests: string[];
  /** Relative activity (0 = has never done anything: a cold-start member). */
  activity: number;
}

export const DEMO_DEFAULT_HANDLE = 'alice';

export const demoMembers: DemoMember[] = [
  { handle: 'admin', displayName: 'Operator', locale: 'en', role: 'admin', interests: ['product'], activity: 0.3 },
  {
    handle: 'mod',
    displayName: 'Morgan (mod)',
    locale: 'en',
    role: 'moderator',
    interests: ['product', 'writing'],
    activity: 1,
  },
  {
    handle: 'creator',
    displayName: 'Dr. Lin',
    locale: 'en',
    role: 'creator',
    interests: ['ai', 'data'],
    activity: 1.2,
  },
  { handle: 'alice', displayName: 'Alice', locale: 'en', role: 'member', interests: ['data', 'ai'], activity: 1 },
  {
    handle: 'bob',
    displayName: 'Bob',
    locale: 'en',
    role: 'member',
    interests: ['investing', 'product'],
    activity: 0.8,
  },
  { handle: 'chen', displayName: '陈晨', locale: 'zh-CN', role: 'member', interests: ['ai', 'product'], activity: 1 },
  {
    handle: 'li',
    displayName: '李雷',
    locale: 'zh-CN',
    role: 'member',
    interests: ['investing', 'writing'],
    activity: 0.7,
  },
  {
    handle: 'maya',
    displayName: 'Maya',
    locale: 'en',
    role: 'member',
    interests: ['design', 'writing'],
    activity: 0.6,
  },
  {
    handle: 'wang',
    displayName: '王芳',
    locale: 'zh-CN',
    role: 'member',
    interests: ['design', 'data'],
    activity: 0.5,
  },
  { handle: 'newbie', displayName: 'New Member', locale: 'en', role: 'member', interests: [], activity: 0 },
];

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
  /** Days before the seed's clock that the member joined. */
  joinedDaysAgo: number;
}

export const DEMO_DEFAULT_HANDLE = 'alice';

export const demoMembers: DemoMember[] = [
  {
    handle: 'admin',
    displayName: 'Operator',
    locale: 'en',
    role: 'admin',
    interests: ['product'],
    activity: 0.3,
    joinedDaysAgo: 120,
  },
  {
    handle: 'mod',
    displayName: 'Morgan (mod)',
    locale: 'en',
    role: 'moderator',
    interests: ['product', 'writing'],
    activity: 1,
    joinedDaysAgo: 118,
  },
  {
    handle: 'creator',
    displayName: 'Dr. Lin',
    locale: 'en',
    role: 'creator',
    interests: ['ai', 'data'],
    activity: 1.2,
    joinedDaysAgo: 110,
  },
  {
    handle: 'alice',
    displayName: 'Alice',
    locale: 'en',
    role: 'member',
    interests: ['data', 'ai'],
    activity: 1,
    joinedDaysAgo: 95,
  },
  {
    handle: 'bob',
    displayName: 'Bob',
    locale: 'en',
    role: 'member',
    interests: ['investing', 'product'],
    activity: 0.8,
    joinedDaysAgo: 90,
  },
  {
    handle: 'chen',
    displayName: '陈晨',
    locale: 'zh-CN',
    role: 'member',
    interests: ['ai', 'product'],
    activity: 1,
    joinedDaysAgo: 80,
  },
  {
    handle: 'li',
    displayName: '李雷',
    locale: 'zh-CN',
    role: 'member',
    interests: ['investing', 'writing'],
    activity: 0.7,
    joinedDaysAgo: 75,
  },
  {
    handle: 'maya',
    displayName: 'Maya',
    locale: 'en',
    role: 'member',
    interests: ['design', 'writing'],
    activity: 0.6,
    joinedDaysAgo: 70,
  },
  {
    handle: 'wang',
    displayName: '王芳',
    locale: 'zh-CN',
    role: 'member',
    interests: ['design', 'data'],
    activity: 0.5,
    joinedDaysAgo: 64,
  },
  {
    handle: 'newbie',
    displayName: 'New Member',
    locale: 'en',
    role: 'member',
    interests: [],
    activity: 0,
    joinedDaysAgo: 2,
  },
];

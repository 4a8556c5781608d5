import type { AnyCommand } from '../../framework/command.ts';
import { balanceCommand } from './balance.ts';
import { leaderboardCommand } from './leaderboard.ts';
import { pointsGrantCommand, pointsPolicyCommand, pointsRevokeCommand } from './points.ts';
import { pointsAlertsCommand } from './points-alerts.ts';
import { statsCommand } from './stats.ts';
import { statsWeeklyCommand } from './stats-weekly.ts';
import { tipCommand } from './tip.ts';
import { tipsCommand } from './tips.ts';

/** Tipping, leaderboards and community analytics. */
export const interactionCommands: readonly AnyCommand[] = [
  tipCommand,
  balanceCommand,
  tipsCommand,
  leaderboardCommand,
  pointsGrantCommand,
  pointsRevokeCommand,
  pointsPolicyCommand,
  pointsAlertsCommand,
  statsCommand,
  statsWeeklyCommand,
];

import type { AnyCommand } from '../../framework/command.ts';
import { buyCommand, myCoursesCommand } from './buy.ts';
import { courseAddCommand } from './course-add.ts';
import { courseAccessCommand, coursePromoteCommand, courseShowCommand } from './course-show.ts';
import { courseGrantCommand, orderCancelCommand, orderConfirmCommand, ordersCommand } from './orders.ts';

/** Paid content: creators list and promote courses; members buy; creators confirm; entitlements unlock access. */
export const commerceCommands: readonly AnyCommand[] = [
  courseShowCommand,
  buyCommand,
  myCoursesCommand,
  courseAddCommand,
  coursePromoteCommand,
  courseAccessCommand,
  courseGrantCommand,
  ordersCommand,
  orderConfirmCommand,
  orderCancelCommand,
];

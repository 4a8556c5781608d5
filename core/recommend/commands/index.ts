import { groupsCommand } from '../../profiles/commands/groups.ts';
import {
  profileCommand,
  profileInterestsAddCommand,
  profileInterestsRemoveCommand,
} from '../../profiles/commands/profile.ts';
import { coursesCommand, searchCommand } from './courses.ts';
import {
  recommendCommand,
  recommendDismissCommand,
  recommendEnrolCommand,
  recommendRetrainCommand,
  recommendViewCommand,
} from './recommend.ts';

/** Every command of profiles and recommendations, for core/commands/index.ts. */
export const recommendCommands = [
  recommendCommand,
  coursesCommand,
  searchCommand,
  profileCommand,
  profileInterestsAddCommand,
  profileInterestsRemoveCommand,
  groupsCommand,
  recommendRetrainCommand,
  recommendViewCommand,
  recommendEnrolCommand,
  recommendDismissCommand,
];

import type { PanelPage } from '../page.ts';
import { adminPage } from './admin.ts';
import { analyticsPage } from './analytics.ts';
import { commercePage } from './commerce.ts';
import { digestsPage } from './digests.ts';
import { mePage } from './me.ts';
import { pointsPage } from './points.ts';
import { sourcesPage } from './sources.ts';

/** Every page of the panel, in menu order; each shows only to the roles its commands need. */
export const PANEL_PAGES: readonly PanelPage[] = [
  sourcesPage,
  digestsPage,
  analyticsPage,
  commercePage,
  pointsPage,
  adminPage,
  mePage,
];

import type { PanelPage } from '../page.ts';
import { digestsPage } from './digests.ts';
import { mePage } from './me.ts';
import { sourcesPage } from './sources.ts';

/** Every page of the panel, in menu order; each shows only to the roles its commands need. */
export const PANEL_PAGES: readonly PanelPage[] = [sourcesPage, digestsPage, mePage];

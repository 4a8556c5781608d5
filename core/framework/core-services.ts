import type { Translator } from '../i18n/translate.ts';
import type { CoreStores } from '../ports/stores.ts';

/**
 * What every feature and every command can reach, whatever features are installed: the foundation's stores and
 * the translator. A feature's own service handles come on top of these (see feature.ts).
 */
export interface CoreServices extends CoreStores {
  translator: Translator;
}

import { commerceStorage } from '../adapters/storage/commerce-storage.ts';
import { contentStorage } from '../adapters/storage/content-storage.ts';
import type { FeatureStorage } from '../adapters/storage/feature-storage.ts';
import { interactionsStorage } from '../adapters/storage/interactions-storage.ts';
import { paymentsStorage } from '../adapters/storage/payments-storage.ts';
import { recommendStorage } from '../adapters/storage/recommend-storage.ts';
import { commerceFeature } from '../core/commerce/feature.ts';
import { contentFeature } from '../core/content/feature.ts';
import type { AnyCommand } from '../core/framework/command.ts';
import type { CoreServices } from '../core/framework/core-services.ts';
import { catalogOf, type Feature, type HandlesOf } from '../core/framework/feature.ts';
import { generalFeature } from '../core/general/feature.ts';
import { interactionsFeature } from '../core/interactions/feature.ts';
import { paymentsFeature } from '../core/payments/feature.ts';
import { privacyFeature } from '../core/privacy/feature.ts';
import { profilesFeature } from '../core/profiles/feature.ts';
import { recommendFeature } from '../core/recommend/feature.ts';

/** A feature's core half with its storage half (none for a feature that only uses the core stores). */
// biome-ignore lint/suspicious/noExplicitAny: a list holds features of every store and handle type
export interface InstalledFeature<S = any, H extends object = any> {
  feature: Feature<S, H>;
  storage: FeatureStorage<S> | null;
}

export function install<H extends object>(feature: Feature<undefined, H>): InstalledFeature<undefined, H>;
export function install<S, H extends object>(
  feature: Feature<S, H>,
  storage: FeatureStorage<S>,
): InstalledFeature<S, H>;
export function install<S, H extends object>(
  feature: Feature<S, H>,
  storage?: FeatureStorage<S>,
): InstalledFeature<S, H> {
  return { feature, storage: storage ?? null };
}

/**
 * Every feature of the app, in /help order: the one list the composition root, the command index, the i18n
 * catalogue, privacy, community removal and the scheduler read. A new feature is its folder in core/, its storage
 * half in adapters/storage/, its schema file, and one line here. A feature that uses a port another provides comes
 * after it (profiles reads the member profiles recommend builds).
 */
export const features = [
  install(generalFeature),
  install(contentFeature, contentStorage),
  install(recommendFeature, recommendStorage),
  install(profilesFeature),
  install(interactionsFeature, interactionsStorage),
  install(commerceFeature, commerceStorage),
  install(paymentsFeature, paymentsStorage),
  install(privacyFeature),
] as const;

/** Every namespace of user-facing strings of the installed features. */
export const catalog = catalogOf(features.map((f) => f.feature));

/** Every command of the installed features, in /help order. */
export const allCommands: readonly AnyCommand[] = features.flatMap(
  (f): readonly AnyCommand[] => f.feature.commands ?? [],
);

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** What `services` holds for a list of features: the core stores and every feature's handles, all required. */
export type ServicesOf<F extends readonly InstalledFeature[]> = CoreServices &
  Intersection<HandlesOf<F[number]['feature']>>;

export type AppServices = ServicesOf<typeof features>;

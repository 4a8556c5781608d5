import { commonMessages } from '../i18n/common.messages.ts';
import type { Messages } from '../i18n/translate.ts';
import type { AccessGranter } from '../ports/access.ts';
import type { Clock } from '../ports/clock.ts';
import type { ContentModel } from '../ports/content-model.ts';
import type { FeedFetcher } from '../ports/feed-fetcher.ts';
import type { IntegrityCheck } from '../ports/integrity.ts';
import type { JobScheduler, PeriodicJob } from '../ports/jobs.ts';
import type { Logger } from '../ports/logger.ts';
import type { Messenger } from '../ports/messenger.ts';
import type { PaidAccess } from '../ports/paid-access.ts';
import type { PersonalDataSource } from '../ports/personal-data.ts';
import type { PointsWallet } from '../ports/points.ts';
import type { MemberProfiles } from '../ports/recommender.ts';
import type { AnyCommand, CommandDefinition } from './command.ts';
import type { CoreServices } from './core-services.ts';
import type { EventListener } from './envelopes.ts';
import type { ScheduledPostRunner } from './scheduled-posts.ts';

/** Settings from the operator's configuration that features read. */
export interface AppSettings {
  /** Key of the irreversible member pseudonyms in analytics and logs. */
  pseudonymSecret: string;
  /** Feed polling and instant-post limits (FEED_* settings); the content feature's defaults when absent. */
  feeds?: { instantPerMinute: number; hostFetchesPerMinute: number };
  /** Paid content's limits; defaults apply when left out (tests, scripts). */
  commerce?: CommerceSettings;
  /** The operator's fee and the grace period of failed renewals (PAYMENTS_FEE_BPS, PAYMENTS_GRACE_DAYS). */
  payments: { operatorFeeBps: number; graceDays: number };
}

export interface CommerceSettings {
  /** Promotion cards per creator per channel in any 7 days, for a channel opened without its own quota. */
  promoWeeklyQuota: number;
  /** Days before a subscription, membership or trial ends that the member is reminded. */
  renewalNoticeDays: number;
  /** Level n needs base × n² points earned (level 1: base, level 2: 4 × base…). */
  levelBasePoints: number;
}

/** Ports one feature provides to others: features never import each other. */
export interface SharedPorts {
  /** Member profiles and interest groups, built by the recommender. */
  memberProfiles: MemberProfiles;
  /** The points ledger's balance and keyed spend, provided by interactions (commerce redeems points with it). */
  points: PointsWallet;
  /** Orders and access as payment providers move them, provided by commerce. */
  paidAccess: PaidAccess;
}

/** What a feature is given when the app installs it. */
export interface FeatureContext<S> {
  /** The feature's own stores (from its storage half in adapters/storage). */
  stores: S;
  core: CoreServices;
  clock: Clock;
  /** Namespaced `core:<feature>`. */
  log: Logger;
  /** Posts that no command triggered, routed to the community's platform. */
  messenger: Messenger;
  /** Roles and channels on the community's platform. */
  access: AccessGranter;
  /** The one content model (digests score with it, the recommender embeds with it). */
  model: ContentModel;
  fetcher: FeedFetcher;
  scheduler: JobScheduler;
  /** The scheduled-post runner: claims, leases and reconciliation for every scheduled post. */
  posts: ScheduledPostRunner;
  settings: AppSettings;
  /** Every installed feature's personal data, in list order (read when a member exports or forgets). */
  personalData(): readonly PersonalDataSource[];
  /** Every installed feature's invariant checks (read when the hourly integrity check runs). */
  integrityChecks(): readonly IntegrityCheck[];
  /** A port a feature installed earlier provides; throws when none does. */
  port<K extends keyof SharedPorts>(name: K): SharedPorts[K];
}

/**
 * One feature, declared in one place: its name (also its i18n namespace), strings, commands, service handles, and
 * what it runs in the background. The app installs a list of these (bots/features.ts); the command index, the
 * i18n catalogue, the scheduler and event routing all read from that list. Storage (stores, personal data, tables
 * cleared with a community) is the feature's other half, in adapters/storage, since core knows no database.
 */
export interface Feature<S = undefined, H extends object = object> {
  name: string;
  messages?: Messages;
  /** Builds the feature's handles once per app; they appear in every command's `ctx.services` of this feature. */
  services(ctx: FeatureContext<S>): H;
  // biome-ignore lint/suspicious/noExplicitAny: a feature's commands have every option shape
  commands?: readonly CommandDefinition<any, CoreServices & H>[];
  /** Periodic work, scheduled when the app starts. */
  jobs?(handles: H, ctx: FeatureContext<S>): readonly PeriodicJob[];
  /** Runs after every recorded platform event. */
  events?(handles: H): readonly EventListener[];
  /** Invariant checks over the feature's stored data, run hourly; a broken one alerts moderators. */
  integrity?(handles: H, ctx: FeatureContext<S>): readonly IntegrityCheck[];
  /** Ports this feature offers to features installed after it. */
  provides?(handles: H): Partial<SharedPorts>;
  /** Work at start-up, after every platform can post (e.g. arming timers that depend on stored schedules). */
  start?(handles: H): Promise<void>;
  /** Work at shutdown, after the commands in flight have finished: the feature's own background work settles. */
  stop?(handles: H): Promise<void>;
}

/** Identity helper that keeps a feature's store and handle types flowing through its definition. */
export function defineFeature<S = undefined, H extends object = object>(feature: Feature<S, H>): Feature<S, H> {
  return feature;
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds features of every store and handle type
export type AnyFeature = Feature<any, any>;

/** The handles a feature adds to `services`. */
export type HandlesOf<F> = F extends Feature<infer _S, infer H> ? H : never;

/** Every namespace of user-facing strings: the framework's `common`, then one per feature, named after it. */
export function catalogOf(features: readonly AnyFeature[]): Record<string, Messages> {
  const catalog: Record<string, Messages> = { common: commonMessages };
  for (const feature of features) {
    if (!feature.messages) continue;
    if (catalog[feature.name]) throw new Error(`two message catalogues named ${feature.name}`);
    catalog[feature.name] = feature.messages;
  }
  return catalog;
}

export interface FeatureAssembly {
  services: CoreServices & Record<string, unknown>;
  commands: AnyCommand[];
  listeners: EventListener[];
  jobs: PeriodicJob[];
  /** Start-up work, in list order. */
  start(): Promise<void>;
  /** Shutdown work, in reverse list order. */
  stop(): Promise<void>;
}

/**
 * Builds every feature in list order (a feature may use ports provided by those before it) and collects their
 * commands, listeners and jobs. The composition root calls it; so can anything else that runs the core without a
 * chat platform (a web panel, a script).
 */
export function assembleFeatures(
  features: readonly { feature: AnyFeature; stores: unknown }[],
  base: Omit<FeatureContext<unknown>, 'stores' | 'port' | 'log' | 'integrityChecks'> & { log: Logger },
): FeatureAssembly {
  const services: CoreServices & Record<string, unknown> = { ...base.core };
  const ports: Partial<SharedPorts> = {};
  const commands: AnyCommand[] = [];
  const listeners: EventListener[] = [];
  const jobs: PeriodicJob[] = [];
  const integrityChecks: IntegrityCheck[] = [];
  const starts: (() => Promise<void>)[] = [];
  const stops: (() => Promise<void>)[] = [];
  for (const { feature, stores } of features) {
    const ctx: FeatureContext<unknown> = {
      ...base,
      stores,
      log: base.log.child({ ns: `core:${feature.name}` }),
      integrityChecks: () => integrityChecks,
      port(name) {
        const port = ports[name];
        if (!port) throw new Error(`feature ${feature.name} needs the ${name} port; install its provider before it`);
        return port;
      },
    };
    const handles: object = feature.services(ctx);
    for (const key of Object.keys(handles)) {
      if (key in services) throw new Error(`feature ${feature.name} redefines services.${key}`);
    }
    Object.assign(services, handles);
    Object.assign(ports, feature.provides?.(handles));
    commands.push(...(feature.commands ?? []));
    listeners.push(...(feature.events?.(handles) ?? []));
    jobs.push(...(feature.jobs?.(handles, ctx) ?? []));
    integrityChecks.push(...(feature.integrity?.(handles, ctx) ?? []));
    const start = feature.start;
    if (start) starts.push(() => start(handles));
    const stop = feature.stop;
    if (stop) stops.unshift(() => stop(handles));
  }
  return {
    services,
    commands,
    listeners,
    jobs,
    async start() {
      for (const start of starts) await start();
    },
    async stop() {
      for (const stop of stops) await stop();
    },
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Translate } from '../../../core/i18n/translate.ts';
import type { Html } from '../html.ts';
import type { PanelIdentity } from '../server.ts';

export interface SignInHooks {
  /** Route config that rate-limits sign-in attempts. */
  rateLimit: { rateLimit: { max: number; timeWindow: number } };
  /** Starts the session for a verified identity and redirects to the panel. */
  complete(req: FastifyRequest, reply: FastifyReply, who: PanelIdentity): Promise<FastifyReply>;
  /** Refuses the attempt with a reason the person can read (no secrets in it). */
  fail(req: FastifyRequest, reply: FastifyReply, reason: string): FastifyReply;
}

/** One way to sign in (Discord, Slack, Telegram): its button on the sign-in page and its routes. */
export interface SignInMethod {
  name: 'discord' | 'slack' | 'telegram';
  button(t: Translate, reply: FastifyReply): Html;
  routes(app: FastifyInstance, hooks: SignInHooks): void;
}

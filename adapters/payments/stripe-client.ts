import type Stripe from 'stripe';

export interface StripeClientOptions {
  secretKey: string;
  /** A test fake's origin (http://127.0.0.1:PORT); the real API by default. */
  apiUrl?: string;
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

/**
 * stripe-node, loaded on first use (a start that never takes a payment does not pay for it) and pointed at
 * `apiUrl` through the SDK's own host/port/protocol options. stripe-node sends an Idempotency-Key on every POST.
 */
export function lazyStripe(options: StripeClientOptions): () => Promise<Stripe> {
  let client: Promise<Stripe> | undefined;
  return () => {
    client ??= import('stripe').then(({ default: StripeSdk }) => {
      const target = options.apiUrl ? new URL(options.apiUrl) : null;
      return new StripeSdk(options.secretKey, {
        maxNetworkRetries: options.maxNetworkRetries ?? 2,
        timeout: options.timeoutMs ?? 20_000,
        telemetry: false,
        ...(target
          ? {
              host: target.hostname,
              port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
              protocol: target.protocol === 'https:' ? 'https' : 'http',
            }
          : {}),
      });
    });
    return client;
  };
}

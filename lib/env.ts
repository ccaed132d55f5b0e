// The one place that reads process.env. Everything else imports `env()` and gets a validated, typed object.
// Parsed lazily (so `next build` and tests can set variables first) and cached.
import path from "node:path";
import { z } from "zod";

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Public URL of the app, used in links (invitations) and by next-auth. */
  APP_URL: optional,
  NEXTAUTH_URL: optional,
  /** Where the embedded database and generated secrets live. */
  DATA_DIR: z.string().default("./data"),
  /** PostgreSQL server; when unset the embedded PGlite database in DATA_DIR is used. */
  DATABASE_URL: optional,
  /** Redis for state shared between instances (key revocation, throttles); in-process when unset. */
  REDIS_URL: optional,
  /** Prepended to every Redis key and channel, so several installations (or a soak run) can share one Redis. */
  REDIS_PREFIX: z.string().min(1).default("sy:"),
  /** Session signing secret; generated into DATA_DIR when unset. */
  AUTH_SECRET: optional,
  NEXTAUTH_SECRET: optional,
  /** 32-byte key (base64 or hex) that encrypts provider secrets at rest; generated into DATA_DIR when unset. */
  MASTER_KEY: optional,
  /** Keys MASTER_KEY replaced (comma-separated), still accepted for decryption during a rotation. */
  MASTER_KEY_PREVIOUS: optional,
  GITHUB_CLIENT_ID: optional,
  GITHUB_CLIENT_SECRET: optional,
  GOOGLE_CLIENT_ID: optional,
  GOOGLE_CLIENT_SECRET: optional,
  /** SMTP connection URL (smtp://user:pass@host:port); invitations are mailed when set. */
  SMTP_URL: optional,
  SMTP_FROM: z.string().default("Switchyard <no-reply@localhost>"),
  /** How long a verified API key is trusted from the in-process cache. */
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).optional(),
  KEY_CACHE_MAX: z.coerce.number().int().min(1).default(10_000),
  /** Sign-up attempts allowed per client address per hour (lib/auth/rate-limit.ts). */
  SIGNUP_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  /** Set when the app runs behind a proxy that sets X-Forwarded-For (used for sign-in throttling). */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => v === "1" || v === "true"),
  /**
   * The app server runs the embedded PGlite database on a worker thread, so its statements do not stall the relay
   * (lib/db/pglite-thread.ts); "0" or "false" runs it on the main thread. No effect with DATABASE_URL.
   */
  PGLITE_THREAD: z
    .string()
    .optional()
    .transform((v) => v !== "0" && v !== "false"),
  /** Providers and models config file (YAML or JSON); default ./switchyard.config.{yaml,yml,json} if present. */
  SWITCHYARD_CONFIG: optional,
  /** Largest accepted request body on the relay, bytes. */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /**
   * First run: the person who signs up with this email becomes the first platform admin (operator console at
   * /admin). Ignored once any platform admin exists; `npm run cli -- user admin --email E` does the same later.
   */
  SWITCHYARD_BOOTSTRAP_ADMIN_EMAIL: optional,
  /** Stripe secret key (sk_live_... or sk_test_...). Top-ups are offered only when it and the webhook secret are set. */
  STRIPE_SECRET_KEY: optional,
  /** Signing secret of the Stripe webhook endpoint (whsec_...) that points at /api/stripe/webhook. */
  STRIPE_WEBHOOK_SECRET: optional,
  /**
   * Another base URL for Stripe's API, e.g. http://127.0.0.1:12111 for the local stand-in (`npm run fake-stripe`).
   * Unset: api.stripe.com. Success and cancel URLs of Checkout use APP_URL.
   */
  STRIPE_API_BASE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()))
    .refine(
      (v) => v === undefined || /^https?:\/\/[^/]+\/?$/.test(v),
      "must be a URL like http://127.0.0.1:12111",
    ),
  /**
   * How long a relay instance's credit lease lives without renewal (lib/billing/credit-book.ts); a crashed
   * instance's reserved credit comes back after this. Default 60 s; the soak test shortens it.
   */
  CREDIT_LEASE_TTL_MS: z.coerce.number().int().min(15_000).max(3_600_000).optional(),
  /** Bearer token for GET /api/metrics (Prometheus); the endpoint answers 404 while it is unset. */
  METRICS_TOKEN: optional,
});

/** Every variable Switchyard reads (docs/deployment.md lists them; tests check the deployment files against it). */
export const ENV_NAMES: readonly string[] = Object.keys(EnvSchema.shape);

export type Env = z.infer<typeof EnvSchema> & { dataDir: string; appUrl: string };

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid environment: ${issue.path.join(".")}: ${issue.message}`);
  }
  const e = parsed.data;
  const appUrl = (e.APP_URL ?? e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  cached = { ...e, dataDir: path.resolve(e.DATA_DIR), appUrl };
  return cached;
}

/** A variable named by the operator's config file (`${VAR}` interpolation); undefined when unset or empty. */
export function envVar(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === "" ? undefined : v;
}

/** For tests and for the server entry after it has filled in generated secrets. */
export function resetEnvCache(): void {
  cached = undefined;
}

// Rate limits on the account endpoints that create things for strangers: sign-up, invitation creation and
// invitation acceptance (password sign-in has its own failure-counting throttle, ./throttle.ts). Every attempt
// counts, in a fixed window per client address and per subject (the email signing up, the inviting workspace,
// the accepting user), on the shared store so all instances see the same counts. Past either limit the route
// answers 429 with Retry-After and a message the form shows as it is.
import { createHash } from "node:crypto";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Store } from "@/lib/store/types";
import { CLIENT_IP_HEADER } from "./options";

export interface ActionLimit {
  windowMs: number;
  perAddress: number;
  perSubject: number;
  /** Completes "Too many … Try again in N minutes." */
  what: string;
}

const HOUR = 3600_000;

export const ACTION_LIMITS = {
  signup: { windowMs: HOUR, perAddress: 20, perSubject: 10, what: "sign-up attempts" },
  "invitation.create": { windowMs: HOUR, perAddress: 100, perSubject: 50, what: "invitations sent" },
  "invitation.accept": { windowMs: 15 * 60_000, perAddress: 30, perSubject: 10, what: "invitation attempts" },
} satisfies Record<string, ActionLimit>;

export type LimitedAction = keyof typeof ACTION_LIMITS;

/** The defaults with the operator's SIGNUP_LIMIT_PER_ADDRESS (a shared office or NAT may need more). */
export function configuredLimits(): Record<LimitedAction, ActionLimit> {
  return {
    ...ACTION_LIMITS,
    signup: { ...ACTION_LIMITS.signup, perAddress: env().SIGNUP_LIMIT_PER_ADDRESS },
  };
}

type CounterStore = Pick<Store, "incr">;

export function limitMessage(what: string, waitMs: number): string {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return `Too many ${what}. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

function counterKey(action: string, kind: "addr" | "subj", value: string): string {
  // Subjects may be email addresses: hashed so the store never holds them in clear.
  const v =
    kind === "subj"
      ? createHash("sha256").update(value.trim().toLowerCase()).digest("hex").slice(0, 32)
      : value;
  return `limit:${action}:${kind}:${v || "unknown"}`;
}

/**
 * Counts one attempt at `action` by `address` on `subject`; throws a 429 AppError (with Retry-After) when either
 * count is over its limit. Refused attempts count too, so hammering never reopens the window early.
 */
export async function consumeAction(
  store: CounterStore,
  action: LimitedAction,
  who: { address: string; subject: string },
  limits: Record<LimitedAction, ActionLimit> = configuredLimits(),
): Promise<void> {
  const limit = limits[action];
  const [byAddress, bySubject] = await Promise.all([
    store.incr(counterKey(action, "addr", who.address), limit.windowMs),
    store.incr(counterKey(action, "subj", who.subject), limit.windowMs),
  ]);
  const waitMs = Math.max(
    byAddress.value > limit.perAddress ? byAddress.resetInMs : 0,
    bySubject.value > limit.perSubject ? bySubject.resetInMs : 0,
  );
  if (waitMs > 0) {
    throw new AppError("rate_limit_exceeded", limitMessage(limit.what, waitMs), {
      headers: { "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))) },
    });
  }
}

/** The caller's address as the server entry recorded it (honouring TRUST_PROXY); never a client-set header. */
export function clientAddress(req: Request): string {
  return req.headers.get(CLIENT_IP_HEADER) || "unknown";
}

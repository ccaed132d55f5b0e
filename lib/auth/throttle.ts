// Sign-in throttling: failed password sign-ins are counted per account email and per client address in fixed
// windows on the shared store (lib/store), so every instance sees the same counts. When either count reaches its
// limit, further attempts are refused without checking the password until the window ends.
//
// A success resets the email's counter but not the address's: otherwise an attacker could clear the address
// counter by signing in to an account of their own between guesses at other people's passwords.
import { createHash } from "node:crypto";
import { getStore } from "@/lib/store";
import type { Store } from "@/lib/store/types";
import { AppError } from "@/lib/errors";

export interface ThrottleLimits {
  perEmail: number;
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { perEmail: 5, perAddress: 20, windowMs: 15 * 60 * 1000 };

type CounterStore = Pick<Store, "incr">;

export function throttleMessage(resetInMs: number): string {
  const minutes = Math.max(1, Math.ceil(resetInMs / 60_000));
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

function emailKey(email: string): string {
  // Hashed so the store never holds addresses in clear.
  const digest = createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 32);
  return `signin:fail:email:${digest}`;
}

function addressKey(address: string): string {
  return `signin:fail:addr:${address || "unknown"}`;
}

export interface SignInThrottle {
  /** Throws a 429 AppError with the message to show when the email or the address is locked. */
  check(email: string, address: string): Promise<void>;
  recordFailure(email: string, address: string): Promise<void>;
  recordSuccess(email: string, address: string): Promise<void>;
}

export function createSignInThrottle(store: CounterStore, limits: ThrottleLimits = DEFAULT_LIMITS): SignInThrottle {
  const { windowMs } = limits;
  // `incr` by 0 reads a counter (creating an empty window is harmless).
  const peek = (key: string) => store.incr(key, windowMs, 0);

  return {
    async check(email, address) {
      const [byEmail, byAddress] = await Promise.all([peek(emailKey(email)), peek(addressKey(address))]);
      const locked = [
        byEmail.value >= limits.perEmail ? byEmail.resetInMs : 0,
        byAddress.value >= limits.perAddress ? byAddress.resetInMs : 0,
      ];
      const waitMs = Math.max(...locked);
      if (waitMs > 0) {
        throw new AppError("rate_limit_exceeded", throttleMessage(waitMs), {
          headers: { "Retry-After": String(Math.ceil(waitMs / 1000)) },
        });
      }
    },
    async recordFailure(email, address) {
      await Promise.all([store.incr(emailKey(email), windowMs), store.incr(addressKey(address), windowMs)]);
    },
    async recordSuccess(email) {
      const key = emailKey(email);
      const { value } = await peek(key);
      if (value > 0) await store.incr(key, windowMs, -value);
    },
  };
}

/** The throttle on the process-wide shared store. */
export function getSignInThrottle(): SignInThrottle {
  return createSignInThrottle(getStore());
}

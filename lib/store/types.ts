/**
 * State shared between Switchyard instances: rate-limit counters, key revocations, later health statistics.
 * In-process by default; Redis when REDIS_URL is set. Keep this interface small: every method must have an
 * obvious implementation on both.
 */
export interface Store {
  readonly kind: "memory" | "redis";
  /**
   * Adds `by` (default 1) to a counter and returns the new value. A counter that did not exist starts at 0 and
   * lives `ttlMs` from its first increment (a fixed window); `resetInMs` says how long it has left.
   */
  incr(key: string, ttlMs: number, by?: number): Promise<{ value: number; resetInMs: number }>;
  /** Delivers `message` to every subscriber of `channel`, in this process and (Redis) in every other instance. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `onMessage` for each message on `channel` until the returned function is called. `onGap` runs when
   * messages may have been missed (the Redis subscription was re-established after a disconnect).
   */
  subscribe(
    channel: string,
    onMessage: (message: string) => void,
    onGap?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

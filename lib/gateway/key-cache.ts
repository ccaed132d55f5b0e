// The API key cache: sha256 hash -> key record (or "no such key"), so a warm request verifies its key with no
// database round trip.
//
// Invariants:
//  - A revoked key is refused within seconds on every instance. Revocation calls invalidateApiKey(hash): it evicts
//    here at once (the dashboard runs in this process, and this cache lives on globalThis so Next's bundle and the
//    server entry share it) and publishes the hash on the store; every instance's gateway evicts on receipt. With
//    no Redis the store is in-process, and the positive TTL (5 s by default) bounds what another process (the
//    CLI) can revoke.
//  - An entry is never served past its TTL unless the database is failing (stale-if-error, bounded). Hot keys are
//    refreshed in the background before they expire (refresh-ahead), so they never wait on the database.
//  - Unknown keys are cached too, briefly and in their own LRU, so a flood of invalid keys neither reaches the
//    database per request nor pushes valid keys out.
//  - Concurrent misses for one hash share one database lookup.
import { getDb, type Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { getStore, type Store } from "@/lib/store";
import type { KeyRecord } from "./types";

export type KeyLoader = (hash: string) => Promise<KeyRecord | null>;

export interface KeyCacheOptions {
  /** Entries per LRU (valid keys and unknown keys are bounded separately). */
  max: number;
  /** How long a found key (valid, revoked or expired) is trusted. */
  ttlMs: number;
  /** How long "no such key" is trusted. */
  negativeTtlMs: number;
  /** After this fraction of ttlMs, a hit also starts a background refresh. */
  refreshAhead?: number;
  /** How long past its TTL a found key may still be served while the database is failing. */
  staleIfErrorMs?: number;
  now?: () => number;
}

interface Entry {
  value: KeyRecord | null;
  freshUntil: number;
  refreshAfter: number;
}

interface Flight {
  promise: Promise<KeyRecord | null>;
  /** Set when the hash was invalidated while the lookup ran: its answer may predate the revocation. */
  cancelled: boolean;
}

export class KeyCache {
  private readonly found = new Map<string, Entry>();
  private readonly missing = new Map<string, Entry>();
  private readonly flights = new Map<string, Flight>();
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly refreshAhead: number;
  private readonly staleIfErrorMs: number;
  private readonly now: () => number;

  constructor(
    private readonly load: KeyLoader,
    opts: KeyCacheOptions,
  ) {
    this.max = Math.max(1, opts.max);
    this.ttlMs = opts.ttlMs;
    this.negativeTtlMs = opts.negativeTtlMs;
    this.refreshAhead = opts.refreshAhead ?? 0.75;
    this.staleIfErrorMs = opts.staleIfErrorMs ?? 0;
    this.now = opts.now ?? Date.now;
  }

  /** The record for a key hash, or null when no key has it. Synchronous when cached (the warm path). */
  lookup(hash: string): KeyRecord | null | Promise<KeyRecord | null> {
    const t = this.now();
    const hit = this.found.get(hash);
    if (hit !== undefined) {
      if (t < hit.freshUntil) {
        touch(this.found, hash, hit);
        if (t >= hit.refreshAfter && !this.flights.has(hash)) this.start(hash).promise.catch(noop);
        return hit.value;
      }
      return this.fetch(hash, hit);
    }
    const miss = this.missing.get(hash);
    if (miss !== undefined && t < miss.freshUntil) return null;
    return this.fetch(hash, undefined);
  }

  /** Forgets a hash now, including a lookup in progress. */
  evict(hash: string): void {
    this.found.delete(hash);
    this.missing.delete(hash);
    const flight = this.flights.get(hash);
    if (flight) {
      flight.cancelled = true;
      this.flights.delete(hash);
    }
  }

  /** Forgets everything (revocations may have been missed). */
  clear(): void {
    this.found.clear();
    this.missing.clear();
    for (const f of this.flights.values()) f.cancelled = true;
    this.flights.clear();
  }

  get size(): number {
    return this.found.size + this.missing.size;
  }

  private fetch(hash: string, stale: Entry | undefined): Promise<KeyRecord | null> {
    const flight = this.flights.get(hash) ?? this.start(hash);
    if (stale === undefined || this.staleIfErrorMs <= 0) return flight.promise;
    return flight.promise.catch((err: unknown) => {
      // Still the same entry (not evicted by a revocation) and not too old: better than refusing a valid key.
      if (this.found.get(hash) === stale && this.now() < stale.freshUntil + this.staleIfErrorMs)
        return stale.value;
      throw err;
    });
  }

  private start(hash: string): Flight {
    const flight: Flight = { promise: undefined as unknown as Promise<KeyRecord | null>, cancelled: false };
    const done = () => {
      if (this.flights.get(hash) === flight) this.flights.delete(hash);
    };
    flight.promise = this.load(hash).then(
      (value) => {
        done();
        if (!flight.cancelled) this.remember(hash, value);
        return value;
      },
      (err: unknown) => {
        done();
        throw err;
      },
    );
    this.flights.set(hash, flight);
    return flight;
  }

  private remember(hash: string, value: KeyRecord | null): void {
    const t = this.now();
    if (value === null) {
      this.found.delete(hash);
      put(
        this.missing,
        hash,
        { value, freshUntil: t + this.negativeTtlMs, refreshAfter: Infinity },
        this.max,
      );
    } else {
      this.missing.delete(hash);
      const entry = { value, freshUntil: t + this.ttlMs, refreshAfter: t + this.ttlMs * this.refreshAhead };
      put(this.found, hash, entry, this.max);
    }
  }
}

function noop(): void {}

/** Moves an entry to the most recently used end (Map iteration order is insertion order). */
function touch(map: Map<string, Entry>, hash: string, entry: Entry): void {
  map.delete(hash);
  map.set(hash, entry);
}

function put(map: Map<string, Entry>, hash: string, entry: Entry, max: number): void {
  touch(map, hash, entry);
  if (map.size > max) map.delete(map.keys().next().value as string);
}

/** Loads a key record by hash from the database (one query); database failures become a 503. */
export function createDbKeyLoader(getDatabase: () => Db | Promise<Db>): KeyLoader {
  return async (hash) => {
    let row;
    try {
      const db = await getDatabase();
      row = await db.apiKey.findUnique({
        where: { hash },
        select: {
          id: true,
          tenantId: true,
          name: true,
          revokedAt: true,
          expiresAt: true,
          rpmLimit: true,
          tpmLimit: true,
          spendLimitMicros: true,
          spendLimitPeriod: true,
          allowedModels: true,
          tenant: {
            select: {
              id: true,
              slug: true,
              name: true,
              rpmLimit: true,
              tpmLimit: true,
              cacheEnabled: true,
              cacheTtlSeconds: true,
              storeBodies: true,
              bodyRetentionDays: true,
              zeroDataRetention: true,
              markupBps: true,
              monthlyBudgetMicros: true,
              budgetHardLimit: true,
            },
          },
        },
      });
    } catch (err) {
      log.error("api key lookup failed", { err });
      throw new AppError("service_unavailable", "Could not verify the API key right now; please retry.");
    }
    if (!row) return null;
    return {
      ctx: {
        key: {
          id: row.id,
          tenantId: row.tenantId,
          name: row.name,
          rpmLimit: row.rpmLimit,
          tpmLimit: row.tpmLimit,
          spendLimitMicros: row.spendLimitMicros,
          spendLimitPeriod: row.spendLimitPeriod,
          allowedModels: row.allowedModels,
        },
        tenant: row.tenant,
      },
      revokedAt: row.revokedAt?.getTime() ?? null,
      expiresAt: row.expiresAt?.getTime() ?? null,
    };
  };
}

/** TTLs: 5 s without Redis (nothing tells other processes about a revocation), 60 s with it. */
export function keyCacheOptionsFromEnv(storeKind: Store["kind"]): KeyCacheOptions {
  const e = env();
  return {
    max: e.KEY_CACHE_MAX,
    ttlMs: e.KEY_CACHE_TTL_MS ?? (storeKind === "redis" ? 60_000 : 5_000),
    negativeTtlMs: 2_000,
    staleIfErrorMs: 30_000,
  };
}

export const KEY_REVOKED_CHANNEL = "gateway:key-revoked";
const HASH = /^[0-9a-f]{64}$/;

/** Makes `cache` evict every hash published on the store; returns the unsubscribe function. */
export function listenForRevocations(cache: KeyCache, store: Store): Promise<() => Promise<void>> {
  return store.subscribe(
    KEY_REVOKED_CHANNEL,
    (hash) => {
      if (HASH.test(hash)) cache.evict(hash);
    },
    () => cache.clear(),
  );
}

/** Tells every instance sharing `store` to forget a key hash. Never throws: the revocation is already stored. */
export async function publishRevocation(store: Store, hash: string): Promise<void> {
  try {
    await store.publish(KEY_REVOKED_CHANNEL, hash);
  } catch (err) {
    log.error("could not publish an API key revocation; other instances refuse it when their cache expires", {
      err,
    });
  }
}

const SLOT = Symbol.for("switchyard.keyCache");
type GlobalWithCache = typeof globalThis & { [SLOT]?: KeyCache };

/** The process-wide cache used by the server's gateway (created on first use, shared across bundles). */
export function getProcessKeyCache(): KeyCache {
  const g = globalThis as GlobalWithCache;
  g[SLOT] ??= new KeyCache(createDbKeyLoader(getDb), keyCacheOptionsFromEnv(getStore().kind));
  return g[SLOT];
}

/**
 * Call after revoking (or deleting, or changing) an API key, with its hash (`ApiKey.hash`): evicts it from this
 * process's cache at once and tells every other instance to do the same.
 */
export async function invalidateApiKey(hash: string): Promise<void> {
  (globalThis as GlobalWithCache)[SLOT]?.evict(hash);
  await publishRevocation(getStore(), hash);
}

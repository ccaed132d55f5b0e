// The catalog at run time: the config file (or the demo) loaded into the database at start, and an in-memory
// snapshot the relay reads on every request, reloaded in the background so dashboard edits apply without a
// restart. One per process (globalThis), shared by the server entry and Next's bundles.
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/observability/log";
import { VENDORS } from "@/lib/gateway/providers/vendors";
import type { VendorQuirks } from "@/lib/gateway/providers/types";
import { Catalog, loadCatalog, type Protocol } from "./catalog";
import { demoCatalogConfig, findConfigFile, loadCatalogConfig, readCatalogConfig } from "./config";
import type { Keyring } from "@/lib/crypto";

export function quirksFor(vendor: string | null, protocol: Protocol): VendorQuirks | undefined {
  if (protocol !== "openai") return undefined;
  return VENDORS[vendor ?? "openai"]?.quirks;
}

export interface CatalogSource {
  kind: "file" | "demo";
  file?: string;
}

/**
 * Loads the operator's config file into the database, or the demo catalog pointing at `demoBaseUrl` when there
 * is no file. Returns which it was.
 */
export async function seedCatalog(
  db: Db,
  masterKey: Keyring,
  demoBaseUrl: () => Promise<string>,
): Promise<CatalogSource> {
  const file = findConfigFile();
  if (file) {
    await loadCatalogConfig(db, readCatalogConfig(file), masterKey, { demo: false });
    return { kind: "file", file };
  }
  await loadCatalogConfig(db, demoCatalogConfig(await demoBaseUrl()), masterKey, { demo: true });
  return { kind: "demo" };
}

export class CatalogRuntime {
  private snapshot = new Catalog([]);
  private timer: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly getDb: () => Promise<Db>,
    private readonly masterKey: Keyring,
    private readonly refreshMs = 5_000,
  ) {}

  /** The current snapshot: never waits. */
  readonly get = (): Catalog => this.snapshot;

  /** The provider name of a deployment in the current snapshot (metrics labels), or "unknown". */
  providerNameOf(deploymentId: string): string {
    for (const m of this.snapshot.models) {
      const d = m.deployments.find((x) => x.id === deploymentId);
      if (d) return d.provider.name;
    }
    return "unknown";
  }

  /** Reloads from the database now (after an edit); concurrent calls share one load. */
  refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        this.snapshot = await loadCatalog(await this.getDb(), this.masterKey, quirksFor);
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /**
   * Reloads after this process wrote to the catalog tables: a load already in flight may have read before the
   * write committed, so it is awaited and a new one started.
   */
  async reloadAfterWrite(): Promise<void> {
    await this.loading?.catch(() => {});
    await this.refresh();
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) =>
        log.warn("catalog refresh failed; serving the previous snapshot", { error: (err as Error).message }),
      );
    }, this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

const KEY = Symbol.for("switchyard.catalog");
type G = typeof globalThis & { [KEY]?: CatalogRuntime };

export function setProcessCatalog(runtime: CatalogRuntime): void {
  (globalThis as G)[KEY] = runtime;
}

/** The process's catalog runtime (set by the server entry), if any. */
export function getProcessCatalog(): CatalogRuntime | undefined {
  return (globalThis as G)[KEY];
}

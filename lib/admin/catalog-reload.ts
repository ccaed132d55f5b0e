// After a console edit of providers, models or deployments, the relay's in-memory catalog is reloaded at once
// (otherwise within its refresh interval). A failed reload does not undo the edit: the periodic refresh retries.
import { getProcessCatalog } from "@/lib/catalog/runtime";
import { log } from "@/lib/observability/log";

export async function reloadCatalog(): Promise<void> {
  await getProcessCatalog()
    ?.reloadAfterWrite()
    .catch((err: unknown) =>
      log.warn("catalog reload after a console edit failed; the periodic refresh will retry", {
        error: (err as Error).message,
      }),
    );
}

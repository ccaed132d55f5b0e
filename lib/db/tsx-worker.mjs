// Runs a TypeScript worker file through tsx: the dev server and tests start lib/db/pglite-thread-worker.ts this
// way (node's worker threads ignore `--import tsx` in execArgv). The built app bundles its worker instead.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.typescriptEntry);

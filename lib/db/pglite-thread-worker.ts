// The worker thread that owns the app's embedded PGlite database (lib/db/pglite-thread.ts is the other side).
// PGlite runs Postgres compiled to wasm synchronously on the thread that calls it, so on the app's main thread
// every statement (a usage batch takes tens of milliseconds) stalled every request in flight. Here it runs
// beside the event loop. The protocol is Prisma's driver adapter interface, one message per call: queries,
// scripts and interactive transactions (kept open here by id until their commit or rollback).
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapter, Transaction } from "@prisma/driver-adapter-utils";
import { pgliteAdapterFactory } from "./adapters";
import type { ThreadCall, ThreadReply } from "./pglite-thread";

const port = parentPort!;
const { dir } = workerData as { dir: string };

async function main(): Promise<void> {
  let adapter: SqlDriverAdapter;
  let pglite: PGlite;
  try {
    pglite = new PGlite(dir);
    await pglite.waitReady;
    adapter = await pgliteAdapterFactory(pglite).connect();
  } catch (err) {
    port.postMessage({ id: 0, ok: false, error: toPlain(err) } satisfies ThreadReply);
    return;
  }
  port.postMessage({ id: 0, ok: true, result: adapter.getConnectionInfo?.() ?? null } satisfies ThreadReply);

  const transactions = new Map<number, Transaction>();
  let nextTx = 1;
  const tx = (id: number | undefined) => {
    const t = id === undefined ? undefined : transactions.get(id);
    if (!t) throw new Error(`Transaction ${id} is not open`);
    return t;
  };

  async function run(call: ThreadCall): Promise<unknown> {
    switch (call.op) {
      case "queryRaw":
        return (call.tx ? tx(call.tx) : adapter).queryRaw(call.query);
      case "executeRaw":
        return (call.tx ? tx(call.tx) : adapter).executeRaw(call.query);
      case "executeScript":
        return adapter.executeScript(call.script);
      case "startTransaction": {
        const t = await adapter.startTransaction(call.isolationLevel);
        const id = nextTx++;
        transactions.set(id, t);
        return { id, options: t.options };
      }
      case "commit":
      case "rollback": {
        const t = tx(call.tx);
        transactions.delete(call.tx);
        return call.op === "commit" ? t.commit() : t.rollback();
      }
      case "close":
        await adapter.dispose();
        await pglite.close();
        return null;
    }
  }

  port.on("message", (call: ThreadCall) => {
    run(call).then(
      (result) => port.postMessage({ id: call.id, ok: true, result: result ?? null } satisfies ThreadReply),
      (err: unknown) =>
        port.postMessage({ id: call.id, ok: false, error: toPlain(err) } satisfies ThreadReply),
    );
  });
}

/** An error as plain data for postMessage, keeping the driver adapter's mapped `cause` Prisma reads. */
function toPlain(err: unknown): { name: string; message: string; cause?: unknown } {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return {
      name: err.name,
      message: err.message,
      cause: cause === undefined ? undefined : structuredSafe(cause),
    };
  }
  return { name: "Error", message: String(err) };
}

function structuredSafe(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
  }
}

void main();

// The app's embedded PGlite database on a worker thread (lib/db/pglite-thread-worker.ts), seen from the main
// thread as a Prisma driver adapter factory. Each adapter call is one message; replies come back by id. Prisma
// maps database errors from the `cause` of a DriverAdapterError, so errors are rebuilt as one here.
// Used by the app server (server.ts registers the worker's file); tests, the CLI and scripts open PGlite on
// their own thread, where a blocked event loop costs nothing.
import { Worker } from "node:worker_threads";
import {
  DriverAdapterError,
  type ConnectionInfo,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from "@prisma/driver-adapter-utils";

export type ThreadCall = { id: number } & (
  | { op: "queryRaw" | "executeRaw"; query: SqlQuery; tx?: number }
  | { op: "executeScript"; script: string }
  | { op: "startTransaction"; isolationLevel?: IsolationLevel }
  | { op: "commit" | "rollback"; tx: number }
  | { op: "close" }
);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Call = DistributiveOmit<ThreadCall, "id">;

export type ThreadReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; cause?: unknown } };

/** Where the worker's code is: the bundled dist/pglite-worker.mjs, or the .ts file (run through tsx). */
export interface PgliteWorkerFile {
  url: URL;
  typescript?: boolean;
}

const ADAPTER = { provider: "postgres", adapterName: "pglite-prisma-adapter" } as const;

export class PgliteThread {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stopped: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly connectionInfo: ConnectionInfo | null,
  ) {
    worker.on("message", (reply: ThreadReply) => this.settle(reply));
    worker.on("error", (err) => this.stop(err));
    worker.on("exit", (code) => this.stop(new Error(`the database thread exited (code ${code})`)));
  }

  /** Starts the worker and opens the database in `dir`; resolves once it answers queries. */
  static async start(dir: string, file: PgliteWorkerFile): Promise<PgliteThread> {
    const worker = file.typescript
      ? new Worker(new URL("./tsx-worker.mjs", import.meta.url), {
          workerData: { dir, typescriptEntry: file.url.href },
        })
      : new Worker(file.url, { workerData: { dir } });
    const info = await new Promise<ConnectionInfo | null>((resolve, reject) => {
      const fail = (err: Error) => {
        void worker.terminate();
        reject(err);
      };
      worker.once("message", (reply: ThreadReply) => {
        if (reply.ok) resolve(reply.result as ConnectionInfo | null);
        else fail(rebuild(reply.error));
      });
      worker.once("error", fail);
      worker.once("exit", (code) =>
        fail(new Error(`the database thread exited (code ${code}) before opening`)),
      );
    });
    return new PgliteThread(worker, info);
  }

  /** The Prisma driver adapter factory over this thread. There is no shadow database here (the CLI has one). */
  factory(): SqlMigrationAwareDriverAdapterFactory {
    return {
      ...ADAPTER,
      connect: async () => this.adapter(),
      connectToShadowDb: () =>
        Promise.reject(
          new Error("The app's database thread has no shadow database; use `npm run db:migrate:dev`."),
        ),
    };
  }

  /** Closes the database and stops the thread. */
  async close(): Promise<void> {
    if (this.stopped) return;
    await this.call({ op: "close" }).catch(() => {});
    await this.worker.terminate();
  }

  private adapter(): SqlDriverAdapter {
    const queryable = (tx?: number) => ({
      ...ADAPTER,
      queryRaw: (query: SqlQuery) => this.call({ op: "queryRaw", query, tx }) as Promise<SqlResultSet>,
      executeRaw: (query: SqlQuery) => this.call({ op: "executeRaw", query, tx }) as Promise<number>,
    });
    return {
      ...queryable(),
      executeScript: async (script: string) => {
        await this.call({ op: "executeScript", script });
      },
      startTransaction: async (isolationLevel?: IsolationLevel): Promise<Transaction> => {
        const { id, options } = (await this.call({ op: "startTransaction", isolationLevel })) as {
          id: number;
          options: TransactionOptions;
        };
        return {
          ...queryable(id),
          options,
          commit: async () => {
            await this.call({ op: "commit", tx: id });
          },
          rollback: async () => {
            await this.call({ op: "rollback", tx: id });
          },
        };
      },
      getConnectionInfo: () => this.connectionInfo ?? { supportsRelationJoins: true },
      dispose: async () => {},
    };
  }

  private call(call: Call): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...call, id });
    });
  }

  private settle(reply: ThreadReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(rebuild(reply.error));
  }

  private stop(err: Error): void {
    this.stopped ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

function rebuild(e: { name: string; message: string; cause?: unknown }): Error {
  if (e.name === "DriverAdapterError" && e.cause && typeof e.cause === "object")
    return new DriverAdapterError(e.cause as ConstructorParameters<typeof DriverAdapterError>[0]);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

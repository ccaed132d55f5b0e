// Driver adapter factories for the two databases Switchyard runs on: embedded PGlite (zero-setup default) and a
// PostgreSQL server. Both fix the same upstream bug class in `executeScript`, which the schema engine uses to run
// migration scripts:
//  - pglite-prisma-adapter does not await `exec()`, so a failing migration would be recorded as applied;
//  - adapter-pg splits the script on `;`, which breaks string literals and `$$` bodies.
// We run the whole script as one simple query and let the adapter map the error (its `onError` throws a
// DriverAdapterError), so the engine records a failed migration as failed.
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

interface ScriptCapableAdapter {
  onError(error: unknown): never;
  underlyingDriver?: () => unknown;
}

function patchExecuteScript(adapter: SqlDriverAdapter, run: (script: string) => Promise<unknown>): SqlDriverAdapter {
  const a = adapter as SqlDriverAdapter & ScriptCapableAdapter;
  a.executeScript = async (script: string) => {
    try {
      await run(script);
    } catch (error) {
      a.onError(error);
    }
  };
  return adapter;
}

export function pgliteAdapterFactory(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaPGlite(pglite);
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patchExecuteScript(await connect(), (s) => pglite.exec(s));
  factory.connectToShadowDb = async () => {
    const adapter = await connectToShadowDb();
    const shadow = (adapter as unknown as { client: PGlite }).client;
    return patchExecuteScript(adapter, (s) => shadow.exec(s));
  };
  return factory;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

interface PgQueryable {
  performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }>;
}

/**
 * adapter-pg cannot type a `"char"` column (pg_catalog uses it, e.g. `relkind`), so the schema engine fails to
 * describe a PostgreSQL database (diff, drift checks). Such a column is a one-character string: read it as text.
 */
function readCharAsText(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const a = adapter as unknown as PgQueryable;
  const performIO = a.performIO.bind(adapter);
  a.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
  return adapter;
}

export function postgresAdapterFactory(connectionString: string): SqlMigrationAwareDriverAdapterFactory {
  const factory: SqlMigrationAwareDriverAdapterFactory = new PrismaPg({ connectionString, max: 10 });
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  const patch = (adapter: SqlDriverAdapter) => {
    const pool = (adapter as unknown as { client: { query(sql: string): Promise<unknown> } }).client;
    return patchExecuteScript(readCharAsText(adapter), (s) => pool.query(s));
  };
  factory.connect = async () => patch(await connect());
  factory.connectToShadowDb = async () => patch(await connectToShadowDb());
  return factory;
}

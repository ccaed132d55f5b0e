// Prisma 7 CLI configuration. The CLI is only used for `prisma generate` here: migrations run through the
// wasm schema engine (lib/db/migrate.ts), so no datasource URL is required. `env()` is avoided on purpose: it
// throws when DATABASE_URL is unset, which would break generate on the zero-setup default.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});

// Bundles server.ts into dist/server.mjs for `npm start` (plain Node, no tsx), and the embedded database's worker
// thread (lib/db/pglite-thread-worker.ts) into dist/pglite-worker.mjs beside it. Our own code (the @/ alias, the
// generated Prisma client's .ts imports) is bundled; every npm package stays external and loads from
// node_modules at run time, as Next itself does.
import { build } from "esbuild";

await build({
  entryPoints: { server: "server.ts", "pglite-worker": "lib/db/pglite-thread-worker.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  tsconfig: "tsconfig.json",
  sourcemap: "linked",
  logLevel: "warning",
});
console.log("built dist/server.mjs and dist/pglite-worker.mjs");

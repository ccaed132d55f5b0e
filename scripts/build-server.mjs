// Bundles server.ts into dist/server.mjs for `npm start` (plain Node, no tsx). Our own code (the @/ alias, the
// generated Prisma client's .ts imports) is bundled; every npm package stays external and loads from
// node_modules at run time, as Next itself does.
import { build } from "esbuild";

await build({
  entryPoints: ["server.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  tsconfig: "tsconfig.json",
  sourcemap: "linked",
  logLevel: "warning",
});
console.log("built dist/server.mjs");

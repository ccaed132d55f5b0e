// Runs `prisma generate` (postinstall). Generation itself only needs Prisma's wasm, but the CLI first tries to
// download the native schema engine, which fails without internet; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file skips that. We only do so when no real engine is present, so users with internet keep the normal CLI.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const env = { ...process.env };
const enginesDir = "node_modules/@prisma/engines";
const hasNativeEngine =
  existsSync(enginesDir) && readdirSync(enginesDir).some((f) => f.startsWith("schema-engine-"));
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasNativeEngine) env.PRISMA_SCHEMA_ENGINE_BINARY = "/bin/false";
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";

const r = spawnSync("node_modules/.bin/prisma", ["generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);

// What the one-instance bench (scripts/bench.ts) and the two-instance bench (multi.ts) share: the requests they
// send, the fake upstream they send them to (a child process) with the config pointing at it, and formatting.
import { writeFileSync } from "node:fs";
import type { Target } from "./load";
import { freePort, HOST, startChild, type Child } from "./procs";

export const MODEL = "bench-model";
export const UPSTREAM_MODEL = "gpt-fake";
export const FAKE_API_KEY = "sk-fake-bench";
export const PROMPT = "Say hello in one short sentence.";
export const STREAM_COUNT = 20;
/** USD per million tokens for the bench deployment. */
export const BENCH_PRICES = { input: "0.15", output: "0.60" };
/** Credit granted to the bench workspace: far more than a run spends, so no request is refused for credit. */
export const BENCH_CREDIT_USD = 10_000;

export const log = (s = "") => console.log(s);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
/** What the fake streams back for "count to n". */
export const countText = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(" ");
/** The fake echoes the prompt: a correct non-stream answer to PROMPT. */
export const checkChat = (text: string) => text.includes(`You said: ${PROMPT}`);

/** A chat completion request with one user message, to send again and again. */
export function chatTarget(
  origin: string,
  path: string,
  auth: string,
  model: string,
  content: string,
  stream: boolean,
): Target {
  return {
    origin,
    path,
    headers: { "content-type": "application/json", authorization: `Bearer ${auth}` },
    body: Buffer.from(
      JSON.stringify({ model, messages: [{ role: "user", content }], ...(stream ? { stream: true } : {}) }),
    ),
  };
}

/**
 * Starts the fake upstream (scripts/fake-upstream.ts) on a free port, optionally pinned to `cpus`, and writes
 * `configFile`: one provider pointing at it and MODEL deployed on it at BENCH_PRICES. Wait for
 * `${origin}/health` before use.
 */
export async function startFakeUpstream(
  env: NodeJS.ProcessEnv,
  configFile: string,
  cpus: string | null = null,
): Promise<{ fake: Child; origin: string }> {
  const port = await freePort();
  const origin = `http://${HOST}:${port}`;
  const fake = startChild(
    "fake upstream",
    process.execPath,
    ["--import", "tsx", "scripts/fake-upstream.ts", "--port", String(port), "--host", HOST],
    { env, cpus },
  );
  writeFileSync(
    configFile,
    JSON.stringify(
      {
        providers: [{ name: "fake", protocol: "openai", baseUrl: `${origin}/v1`, apiKey: FAKE_API_KEY }],
        // Priced like a small current model, so every request takes the billed path it takes in production:
        // a credit hold, a charge and a ledger entry written with its usage record.
        models: [
          {
            name: MODEL,
            deployments: [{ provider: "fake", upstreamModel: UPSTREAM_MODEL, prices: BENCH_PRICES }],
          },
        ],
      },
      null,
      2,
    ),
  );
  return { fake, origin };
}

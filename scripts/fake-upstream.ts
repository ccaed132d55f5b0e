// npm run fake-upstream -- [--port 4010] [--latency 0] [--chunk-delay 0]
// A local stand-in for OpenAI, Anthropic and Gemini (lib/fake-upstream). Steer it at run time with
//   curl -X POST localhost:4010/__fake/behavior -d '{"failStatus":500,"failTimes":3}'
import { parseArgs } from "node:util";
import { startFakeProviders } from "@/lib/fake-upstream";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
    latency: { type: "string", default: "0" },
    "chunk-delay": { type: "string", default: "0" },
  },
});

const fake = await startFakeProviders({
  port: Number(values.port),
  host: values.host,
  behavior: { latencyMs: Number(values.latency), chunkDelayMs: Number(values["chunk-delay"]) },
});
console.log(`fake upstream (OpenAI /v1, Anthropic /v1/messages, Gemini /v1beta) listening on ${fake.url}`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

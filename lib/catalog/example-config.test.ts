// The documented example config must stay valid: every protocol, vendor and field it shows parses.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parseCatalogConfig } from "./config";
import { VENDORS } from "@/lib/gateway/providers/vendors";

const VARS = ["OPENAI_API_KEY", "DEEPSEEK_API_KEY", "DASHSCOPE_API_KEY", "MISTRAL_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"];
afterEach(() => VARS.forEach((v) => delete process.env[v]));

describe("switchyard.config.example.yaml", () => {
  it("parses and covers every protocol", () => {
    VARS.forEach((v) => (process.env[v] = `test-${v}`));
    const cfg = parseCatalogConfig(readFileSync("switchyard.config.example.yaml", "utf8"), "switchyard.config.example.yaml");
    expect(new Set(cfg.providers.map((p) => p.protocol))).toEqual(new Set(["openai", "anthropic", "gemini"]));
    for (const p of cfg.providers) if (p.vendor) expect(VENDORS).toHaveProperty(p.vendor);
    expect(cfg.models.find((m) => m.name === "claude-sonnet")!.deployments).toHaveLength(2);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { demoCatalogConfig, parseCatalogConfig, usdToMicros } from "./config";

afterEach(() => {
  delete process.env.SY_TEST_KEY;
});

describe("usdToMicros", () => {
  it.each([
    ["0.15", 150_000n],
    [0.15, 150_000n],
    ["3", 3_000_000n],
    ["0.000001", 1n],
    [15, 15_000_000n],
    ["0", 0n],
  ])("%s USD -> %s micro-dollars", (input, expected) => {
    expect(usdToMicros(input)).toBe(expected);
  });

  it("refuses what it cannot represent exactly", () => {
    expect(() => usdToMicros("0.0000001")).toThrow();
    expect(() => usdToMicros("-1")).toThrow();
    expect(() => usdToMicros(2.5e-7)).toThrow();
  });
});

describe("parseCatalogConfig", () => {
  const yaml = `
providers:
  - name: anthropic
    protocol: anthropic
    baseUrl: https://api.anthropic.com
    apiKey: \${SY_TEST_KEY}
    region: us
models:
  - name: claude-sonnet
    aliases: [sonnet]
    deployments:
      - provider: anthropic
        upstreamModel: claude-sonnet-4-5
        prices: { input: 3, cachedInput: "0.30", output: 15 }
        capabilities: [tools, vision]
`;

  it("parses YAML, interpolates secrets and converts prices", () => {
    process.env.SY_TEST_KEY = "sk-ant-test";
    const cfg = parseCatalogConfig(yaml, "switchyard.config.yaml");
    expect(cfg.providers[0]).toMatchObject({ name: "anthropic", apiKey: "sk-ant-test", protocol: "anthropic" });
    expect(cfg.models[0]!.deployments[0]!.prices).toEqual({
      input: 3_000_000n,
      cachedInput: 300_000n,
      output: 15_000_000n,
    });
  });

  it("names an unset secret variable", () => {
    expect(() => parseCatalogConfig(yaml, "c.yaml")).toThrow(/SY_TEST_KEY is not set/);
  });

  it("rejects a deployment on an unknown provider and duplicate names", () => {
    const bad = {
      providers: [{ name: "a", protocol: "openai", baseUrl: "http://x/v1" }],
      models: [
        { name: "m", deployments: [{ provider: "b", upstreamModel: "u" }] },
        { name: "n", aliases: ["m"], deployments: [{ provider: "a", upstreamModel: "u" }] },
      ],
    };
    expect(() => parseCatalogConfig(JSON.stringify(bad), "c.json")).toThrow(/unknown provider "b"|declared twice/);
  });

  it("has a labelled demo catalog", () => {
    const demo = demoCatalogConfig("http://127.0.0.1:9999");
    expect(demo.models[0]!.description).toMatch(/demo/i);
    expect(demo.providers[0]!.baseUrl).toBe("http://127.0.0.1:9999/v1");
  });
});

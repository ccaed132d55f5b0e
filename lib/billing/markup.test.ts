import { describe, expect, it } from "vitest";
import { modelMarkupKey, resolveMarkupBps } from "./markup";

const base = { tenantId: "tnt_a", modelId: "mdl_x", platformDefaultBps: 1000 };

describe("resolveMarkupBps", () => {
  it("keys workspace markups by tenant and platform ones by *", () => {
    expect(modelMarkupKey("tnt_a", "mdl_x")).toBe("tnt_a:mdl_x");
    expect(modelMarkupKey(null, "mdl_x")).toBe("*:mdl_x");
  });

  it("falls back to the platform default when nothing else is set", () => {
    expect(resolveMarkupBps({ ...base, tenantBps: null, modelMarkups: new Map() })).toBe(1000);
  });

  it("prefers a platform+model markup over the platform default", () => {
    const modelMarkups = new Map([["*:mdl_x", 500]]);
    expect(resolveMarkupBps({ ...base, tenantBps: null, modelMarkups })).toBe(500);
  });

  it("prefers the workspace markup over platform+model", () => {
    const modelMarkups = new Map([["*:mdl_x", 500]]);
    expect(resolveMarkupBps({ ...base, tenantBps: 2500, modelMarkups })).toBe(2500);
  });

  it("prefers workspace+model over everything", () => {
    const modelMarkups = new Map([
      ["*:mdl_x", 500],
      ["tnt_a:mdl_x", 0],
    ]);
    expect(resolveMarkupBps({ ...base, tenantBps: 2500, modelMarkups })).toBe(0);
  });

  it("treats a 0 workspace markup as set (not as absent)", () => {
    const modelMarkups = new Map([["*:mdl_x", 500]]);
    expect(resolveMarkupBps({ ...base, tenantBps: 0, modelMarkups })).toBe(0);
  });

  it("ignores another workspace's and another model's overrides", () => {
    const modelMarkups = new Map([
      ["tnt_b:mdl_x", 7000],
      ["tnt_a:mdl_y", 8000],
      ["*:mdl_y", 9000],
    ]);
    expect(resolveMarkupBps({ ...base, tenantBps: undefined, modelMarkups })).toBe(1000);
  });

  it("uses only workspace and default when the request resolved to no model", () => {
    const modelMarkups = new Map([["*:mdl_x", 500]]);
    expect(resolveMarkupBps({ ...base, modelId: null, tenantBps: null, modelMarkups })).toBe(1000);
    expect(resolveMarkupBps({ ...base, modelId: null, tenantBps: 300, modelMarkups })).toBe(300);
  });
});

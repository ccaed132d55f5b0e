import { describe, expect, it } from "vitest";
import { Catalog, type CatalogModel } from "@/lib/catalog/catalog";
import { AppError, toErrorResponse } from "@/lib/errors";
import { checkPolicyEdit, invalidPolicyBody, planExplanation } from "./explain";
import { requiredCapabilities } from "./route";
import { HealthTracker } from "./health";
import { RoutingPolicy } from "./policy";
import { testDeployment } from "./test-deployments";

const t = Date.now();
const now = () => t;

const model: CatalogModel = {
  id: "mdl_1",
  name: "chat-model",
  aliases: ["cm"],
  kind: "chat",
  description: null,
  createdAt: new Date(0),
  deployments: [
    testDeployment("dep_a", "alpha", {
      region: "us-east",
      input: 5,
      output: 5,
      caps: ["tools"],
      upstream: "alpha-model",
    }),
    testDeployment("dep_b", "beta", {
      region: "eu-west",
      input: 1,
      output: 1,
      caps: [],
      upstream: "beta-model",
    }),
  ],
};
const catalog = new Catalog([model]);
const none = { tenant: null, platform: null };
const policy = (p: unknown) => RoutingPolicy.parse(p);

describe("requiredCapabilities", () => {
  it("is the relay's rule: tools, json_schema, and images in user messages", () => {
    expect(requiredCapabilities({})).toEqual([]);
    expect(
      requiredCapabilities({
        tools: [{ type: "function", function: { name: "f" } }],
        response_format: { type: "json_schema" },
        messages: [
          { role: "system", content: [{ type: "image_url" }] },
          {
            role: "user",
            content: [
              { type: "text", text: "x" },
              { type: "image_url", image_url: { url: "u" } },
            ],
          },
        ],
      }),
    ).toEqual(["tools", "json_schema", "vision"]);
    expect(requiredCapabilities({ tools: [], response_format: { type: "json_object" } })).toEqual([]);
  });
});

describe("planExplanation", () => {
  it("lists every deployment in try order with its reason, strategy source and live health", () => {
    const health = new HealthTracker({ now });
    health.observe({ deploymentId: "dep_a", ok: false, errorClass: "429", retryAfterSec: 30 });
    const out = planExplanation({ catalog, health, policies: none, body: { model: "cm" } });
    expect(out.model).toBe("cm");
    expect(out.tryOrder).toEqual(["dep_b"]);
    const [m] = out.models;
    expect(m).toMatchObject({
      model: "chat-model",
      requestedAs: "cm",
      rule: "*",
      ruleSource: "default",
      strategy: "priority",
      strategySource: 'rule "*"',
    });
    expect(m!.deployments.map((d) => [d.deploymentId, d.included, d.position])).toEqual([
      ["dep_b", true, 1],
      ["dep_a", false, null],
    ]);
    const a = m!.deployments[1]!;
    expect(a.reason).toMatch(/^cooling down until /);
    expect(a.health).toMatchObject({ seen: true, available: false, circuit: "closed", score: 0 });
    expect(a.health.cooldownUntil).toBe(new Date(t + 30_000).toISOString());
    expect(a.health.errorRates["429"]).toBe(1);
    expect(m!.deployments[0]!.health).toMatchObject({ available: true, circuit: "closed", score: 1 });
  });

  it("applies the request's route preference, capabilities and the workspace's region", () => {
    const health = new HealthTracker({ now });
    const byCost = planExplanation({
      catalog,
      health,
      policies: none,
      body: { model: "chat-model", route: "cost" },
    });
    expect(byCost.tryOrder).toEqual(["dep_b", "dep_a"]);
    expect(byCost.models[0]!.strategySource).toBe("request sort price");
    expect(byCost.preferences).toMatchObject({ sort: "price" });

    const tools = planExplanation({
      catalog,
      health,
      policies: none,
      body: { model: "chat-model", tools: [{ type: "function", function: { name: "f" } }] },
    });
    expect(tools.need).toEqual(["tools"]);
    expect(tools.models[0]!.deployments.find((d) => d.deploymentId === "dep_b")!.reason).toBe(
      "lacks capability tools",
    );

    const eu = planExplanation({
      catalog,
      health,
      policies: { tenant: policy({ region: ["eu"] }), platform: policy({ rules: [{ match: "*" }] }) },
      body: { model: "chat-model" },
    });
    expect(eu.tryOrder).toEqual(["dep_b"]);
    expect(eu.models[0]).toMatchObject({ region: ["eu"], ruleSource: "platform" });
    expect(eu.models[0]!.deployments[1]!.reason).toBe("region us-east not in [eu]");
  });

  it("throws the relay's errors: unknown model 404, a region that forbids everything 403, a bad body 400", () => {
    const health = new HealthTracker({ now });
    const run =
      (body: unknown, tenant: unknown = null) =>
      () =>
        planExplanation({
          catalog,
          health,
          policies: { tenant: tenant === null ? null : policy(tenant), platform: null },
          body,
        });
    expect(run({ model: "nope" })).toThrow(
      expect.objectContaining({ code: "model_not_found", param: "model" }),
    );
    try {
      run({ model: "chat-model" }, { region: ["ap"] })();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      const { status, body } = toErrorResponse(err);
      expect(status).toBe(403);
      expect(body.error.message).toMatch(/region constraint \[ap\] leaves no deployment of `chat-model`/);
    }
    expect(() => run({})()).toThrow();
    expect(toErrorResponse(captured(run({ model: "chat-model", route: "fast" }))).status).toBe(400);
  });
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("policy edits", () => {
  it("refuses members and viewers before validating", () => {
    for (const role of ["member", "viewer"] as const) {
      expect(() => checkPolicyEdit({ role }, { rules: "x" })).toThrow(
        expect.objectContaining({ code: "permission_denied" }),
      );
    }
    expect(checkPolicyEdit({ role: "admin" }, { rules: [] })).toEqual([]);
  });

  it("reports every issue with its path, and the first one in the OpenAI-shaped error", () => {
    const issues = checkPolicyEdit(
      { role: "owner" },
      {
        rules: [
          { match: "*", strategy: { type: "fastest" } },
          { match: "x", retries: { maxAttempts: 0 } },
        ],
      },
    );
    expect(issues.map((i) => i.path)).toEqual(["rules[0].strategy.type", "rules[1].retries.maxAttempts"]);
    const body = invalidPolicyBody(issues);
    expect(body.issues).toBe(issues);
    expect(body.error).toMatchObject({ code: "invalid_request", param: "policy.rules[0].strategy.type" });
    expect(body.error.message).toMatch(
      /^The routing policy is invalid: rules\[0\]\.strategy\.type: .+ \(and 1 more\)\.$/,
    );
  });
});

// Models and their deployments in the operator console. A model is a public name (and aliases) clients send; a
// deployment serves it from one provider's upstream model. Prices are edited on the Prices page (the price book);
// a new deployment starts from the shipped price data when it knows the model, else it has no price (free).
import { z } from "zod";
import { CAPABILITIES } from "@/lib/catalog/config";
import { lookupPriceData } from "@/lib/billing/price-data";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { reloadCatalog } from "./catalog-reload";
import { defineAction, defineQuery, type OperatorCtx } from "./operator";
import { isUniqueViolation } from "./unique-violation";

const Name = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:/-]{1,100}$/, "Use 1-100 letters, digits and . _ : / - only.");

export const ModelInput = z.object({
  name: Name,
  aliases: z.array(Name).max(20).default([]),
  kind: z.enum(["chat", "embeddings"]).default("chat"),
  description: z
    .string()
    .trim()
    .max(500)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null)),
});

export const DeploymentInput = z.object({
  providerId: z.string().min(1, "Choose a provider."),
  upstreamModel: z.string().trim().min(1, "Name the provider's model.").max(200),
  priority: z.number().int().min(-1000).max(1000).default(0),
  capabilities: z.array(z.enum(CAPABILITIES)).default([]),
  enabled: z.boolean().default(true),
});

/** A name or alias clients send must mean one model: refuses one another model already uses. */
async function assertNamesFree(op: OperatorCtx, names: string[], exceptId: string | null) {
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new AppError("invalid_request", `"${dup}" is listed twice.`, { param: "aliases" });
  const clash = await op.db.model.findFirst({
    where: {
      ...(exceptId ? { id: { not: exceptId } } : {}),
      OR: [{ name: { in: names } }, { aliases: { hasSome: names } }],
    },
    select: { name: true },
  });
  if (clash) {
    throw new AppError("conflict", `A name or alias here is already used by model ${clash.name}.`, {
      param: "name",
    });
  }
}

export const listModels = defineQuery("models.list", async (op) =>
  op.db.model.findMany({
    orderBy: { name: "asc" },
    include: {
      deployments: {
        orderBy: [{ priority: "asc" }, { createdAt: "asc" }],
        include: { provider: { select: { id: true, name: true, enabled: true } } },
      },
    },
  }),
);

export const createModel = defineAction("model.create", async (op, input: unknown) => {
  const m = ModelInput.parse(input);
  await assertNamesFree(op, [m.name, ...m.aliases], null);
  const row = await op.db.model.create({ data: { id: newId("mdl"), ...m } });
  await reloadCatalog();
  return { result: row, audit: { action: "model.create", target: row.id, details: m } };
});

export const updateModel = defineAction("model.update", async (op, id: string, input: unknown) => {
  const before = await op.db.model.findUnique({ where: { id } });
  if (!before) throw new AppError("not_found", `Model ${id} not found.`);
  const m = ModelInput.parse(input);
  await assertNamesFree(op, [m.name, ...m.aliases], id);
  const row = await op.db.model.update({ where: { id }, data: m });
  await reloadCatalog();
  return {
    result: row,
    audit: {
      action: "model.update",
      target: id,
      details: { from: { name: before.name, aliases: before.aliases, kind: before.kind }, to: m },
    },
  };
});

async function getDeployment(op: OperatorCtx, id: string) {
  const row = await op.db.deployment.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", `Deployment ${id} not found.`);
  return row;
}

export const createDeployment = defineAction(
  "deployment.create",
  async (op, modelId: string, input: unknown) => {
    const model = await op.db.model.findUnique({ where: { id: modelId } });
    if (!model) throw new AppError("not_found", `Model ${modelId} not found.`);
    const d = DeploymentInput.parse(input);
    const provider = await op.db.provider.findUnique({ where: { id: d.providerId } });
    if (!provider)
      throw new AppError("invalid_request", "Choose an existing provider.", { param: "providerId" });
    const id = newId("dep");
    const seeded = lookupPriceData(provider.vendor ?? provider.protocol, d.upstreamModel);
    try {
      await op.db.$transaction(async (tx) => {
        await tx.deployment.create({ data: { id, modelId, ...d } });
        if (seeded) {
          await tx.price.create({
            data: {
              id: newId("prc"),
              deploymentId: id,
              effectiveFrom: new Date(),
              inputMicros: seeded.input,
              cachedInputMicros: seeded.cachedInput,
              cacheWriteMicros: seeded.cacheWrite,
              outputMicros: seeded.output,
              source: seeded.source,
              createdById: op.user.id,
            },
          });
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError(
          "conflict",
          `${model.name} already has a deployment of ${d.upstreamModel} at that provider.`,
          {
            param: "upstreamModel",
          },
        );
      }
      throw err;
    }
    await reloadCatalog();
    return {
      result: { ...(await getDeployment(op, id)), priceSource: seeded?.source ?? null },
      audit: {
        action: "deployment.create",
        target: id,
        details: { model: model.name, provider: provider.name, ...d, priceSource: seeded?.source ?? null },
      },
    };
  },
);

export const DeploymentPatch = z.object({
  priority: z.number().int().min(-1000).max(1000).optional(),
  capabilities: z.array(z.enum(CAPABILITIES)).optional(),
  enabled: z.boolean().optional(),
});

/** Priority, capabilities and enabled (which provider and upstream model it is does not change: add another). */
export const updateDeployment = defineAction("deployment.update", async (op, id: string, input: unknown) => {
  const before = await getDeployment(op, id);
  const patch = DeploymentPatch.parse(input);
  const row = await op.db.deployment.update({ where: { id }, data: patch });
  await reloadCatalog();
  return {
    result: row,
    audit: {
      action: "deployment.update",
      target: id,
      details: {
        from: { priority: before.priority, capabilities: before.capabilities, enabled: before.enabled },
        to: patch,
      },
    },
  };
});

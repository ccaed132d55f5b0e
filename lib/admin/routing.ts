// The platform's default routing policy in the operator console: the policy in force, its history, save (validated
// by the relay's own schema; the editor shows policyIssues inline) and one-step rollback to any version.
import { AppError } from "@/lib/errors";
import { loadPolicy, savePlatformPolicy } from "@/lib/routing/policies";
import { DEFAULT_POLICY, policyIssues } from "@/lib/routing/policy";
import { getStore } from "@/lib/store";
import { defineAction, defineQuery } from "./operator";

export const getPlatformRouting = defineQuery("routing.get", async (op) => {
  const [policy, versions] = await Promise.all([
    loadPolicy(op.db, null),
    op.db.routingPolicy.findMany({
      where: { tenantId: null },
      orderBy: { version: "desc" },
      take: 50,
      select: { version: true, createdAt: true, createdById: true, note: true, document: true },
    }),
  ]);
  const authors = await op.db.user.findMany({
    where: { id: { in: versions.map((v) => v.createdById).filter((id): id is string => id !== null) } },
    select: { id: true, email: true },
  });
  const emailOf = new Map(authors.map((a) => [a.id, a.email]));
  return {
    policy,
    /** What applies when no platform policy was ever saved. */
    fallback: DEFAULT_POLICY,
    versions: versions.map((v) => ({
      ...v,
      createdBy: v.createdById ? (emailOf.get(v.createdById) ?? null) : null,
    })),
  };
});

function assertValid(document: unknown) {
  const issues = policyIssues(document);
  if (issues.length) {
    const first = issues[0]!;
    throw new AppError("invalid_request", `${first.path || "policy"}: ${first.message}`, {
      param: first.path || "document",
    });
  }
}

export const savePlatformRouting = defineAction(
  "routing.save_default",
  async (op, input: { document: unknown; note?: string }) => {
    assertValid(input?.document);
    const note =
      typeof input.note === "string" && input.note.trim() ? input.note.trim().slice(0, 200) : undefined;
    const saved = await savePlatformPolicy(op.db, input.document, op.user.id, note, getStore());
    return {
      result: saved,
      audit: { action: "policy.save_default", target: `v${saved.version}`, details: { note: note ?? null } },
    };
  },
);

export const rollbackPlatformRouting = defineAction(
  "routing.rollback_default",
  async (op, version: number) => {
    const row = await op.db.routingPolicy.findFirst({ where: { tenantId: null, version } });
    if (!row) throw new AppError("not_found", `Platform policy version ${version} not found.`);
    const saved = await savePlatformPolicy(
      op.db,
      row.document,
      op.user.id,
      `rollback to version ${version}`,
      getStore(),
    );
    return {
      result: saved,
      audit: { action: "policy.rollback_default", target: `v${saved.version}`, details: { from: version } },
    };
  },
);

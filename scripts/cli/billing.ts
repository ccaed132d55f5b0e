// CLI commands for credit and the ledger: grant (or remove) credit, show a balance or a ledger, check the ledger.
import { adjustCredit } from "@/lib/billing/credit";
import { checkLedger, formatUsd, getBalance, listEntries, usdToMicrosExact } from "@/lib/billing/ledger";
import { getOperatorCtx } from "@/lib/tenancy/context";
import { optional, required, str, UsageError, type Command } from "./common";

function usdFlag(value: string): bigint {
  try {
    return usdToMicrosExact(value.replace(/^\$/, ""));
  } catch {
    throw new UsageError(`--usd must be an amount in dollars like 25 or -10.50 (got "${value}").`);
  }
}

export const billingCommands: Record<string, Command> = {
  "credit grant": {
    synopsis: "--workspace SLUG_OR_ID --usd AMOUNT [--note N]",
    about:
      "Add credit to a workspace; a negative amount (--usd=-10) removes it. One audited adjustment entry in its ledger.",
    options: { workspace: str, usd: str, note: str },
    async run(f, open) {
      const workspace = required(f, "workspace");
      const amountMicros = usdFlag(required(f, "usd"));
      if (amountMicros === 0n) throw new UsageError("--usd must not be 0.");
      const { db } = await open();
      const ctx = await getOperatorCtx(db, workspace);
      const r = await adjustCredit(db, ctx, { amountMicros, note: optional(f, "note"), via: "cli" });
      return {
        json: {
          workspace: ctx.tenant,
          amountMicros: amountMicros.toString(),
          ...r,
          balanceMicros: r.balanceMicros.toString(),
        },
        text: `${amountMicros > 0n ? "Granted" : "Removed"} ${formatUsd(amountMicros < 0n ? -amountMicros : amountMicros, 6)} ${amountMicros > 0n ? "to" : "from"} ${ctx.tenant.slug}. Balance: ${formatUsd(r.balanceMicros, 6)} (entry ${r.entryId}).`,
      };
    },
  },

  "credit balance": {
    synopsis: "--workspace SLUG_OR_ID",
    about: "Show a workspace's balance and the credit relay instances hold reserved right now.",
    options: { workspace: str },
    async run(f, open) {
      const { db } = await open();
      const ctx = await getOperatorCtx(db, required(f, "workspace"));
      const b = await getBalance(db, ctx.tenant.id);
      return {
        json: {
          workspace: ctx.tenant,
          balanceMicros: b.balanceMicros.toString(),
          reservedMicros: b.reservedMicros.toString(),
        },
        text: `${ctx.tenant.slug}: balance ${formatUsd(b.balanceMicros, 6)}, reserved ${formatUsd(b.reservedMicros, 6)}.`,
      };
    },
  },

  "ledger show": {
    synopsis: "--workspace SLUG_OR_ID [--limit N]",
    about: "List a workspace's ledger entries, newest first (default 20).",
    options: { workspace: str, limit: str },
    async run(f, open) {
      const limitText = optional(f, "limit") ?? "20";
      if (!/^\d+$/.test(limitText) || Number(limitText) < 1)
        throw new UsageError("--limit must be a positive number.");
      const { db } = await open();
      const ctx = await getOperatorCtx(db, required(f, "workspace"));
      const entries = await listEntries(db, ctx.tenant.id, { take: Number(limitText) });
      const lines = entries.map(
        (e) =>
          `${e.createdAt.toISOString()}  ${e.kind.padEnd(10)}  ${formatUsd(e.amountMicros, 6).padStart(16)}  ${e.description}` +
          (e.reference ? `  [${e.reference}]` : ""),
      );
      return {
        json: {
          workspace: ctx.tenant,
          entries: entries.map((e) => ({ ...e, amountMicros: e.amountMicros.toString() })),
        },
        text: lines.length ? lines.join("\n") : `No ledger entries in ${ctx.tenant.slug}.`,
      };
    },
  },

  "ledger check": {
    synopsis: "[--workspace SLUG_OR_ID]",
    about:
      "Check that every balance equals the sum of its ledger entries (and reservations and usage agree). Exit code 1 when any does not.",
    options: { workspace: str },
    async run(f, open) {
      const { db } = await open();
      const workspace = optional(f, "workspace");
      const tenantId = workspace ? (await getOperatorCtx(db, workspace)).tenant.id : undefined;
      const mismatches = await checkLedger(db, tenantId);
      if (mismatches.length) {
        const lines = mismatches.map(
          (m) =>
            `${m.tenantId}: balance ${formatUsd(m.balanceMicros, 6)} vs entries ${formatUsd(m.ledgerSumMicros, 6)}; ` +
            `reserved ${formatUsd(m.reservedMicros, 6)} vs leases ${formatUsd(m.leaseSumMicros, 6)}; ` +
            `usage entries ${formatUsd(m.usageChargedMicros, 6)} vs records ${formatUsd(m.usageRecordsMicros, 6)}`,
        );
        throw new LedgerMismatchError(
          `Ledger check failed for ${mismatches.length} workspace(s):\n${lines.join("\n")}`,
        );
      }
      return {
        json: { ok: true, mismatches: [] },
        text: workspace ? `Ledger of ${workspace} is consistent.` : "Every workspace's ledger is consistent.",
      };
    },
  },
};

/** A failed check: the CLI prints it to stderr and exits with code 1. */
class LedgerMismatchError extends Error {}

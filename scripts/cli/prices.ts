// CLI commands for the price book, markups and monthly statements. The CLI acts as the platform operator
// (CLI_OPERATOR: audited with no user). Prices are typed in USD per million tokens and stored exactly.
import { writeFileSync } from "node:fs";
import {
  findModelId,
  findWorkspaceId,
  listMarkups,
  setModelMarkup,
  setPlatformMarkup,
  setWorkspaceMarkup,
} from "@/lib/billing/markups";
import { listPriceBook, setPrice, type PriceVersion } from "@/lib/billing/price-book";
import { allPriceData, PRICE_DATA_NOTE, PRICE_DATA_TAKEN_AT, type PriceSet } from "@/lib/billing/price-data";
import { formatBps, formatPriceUsd, parsePriceUsd } from "@/lib/billing/price-format";
import { monthlyStatement, parseMonth, statementCsv, statementFilename } from "@/lib/billing/statements";
import { microsToUsd } from "@/lib/billing/csv";
import { CLI_OPERATOR } from "@/lib/tenancy/operator-ctx";
import { optional, required, str, UsageError, type Command, type Flags } from "./common";

function usdFlag(f: Flags, name: string): bigint | undefined {
  const v = optional(f, name);
  if (v === undefined) return undefined;
  const micros = parsePriceUsd(v);
  if (micros === null)
    throw new UsageError(
      `--${name} must be a USD amount per million tokens, e.g. 2.50 (at most 6 decimals).`,
    );
  return micros;
}

function requiredUsd(f: Flags, name: string): bigint {
  required(f, name);
  return usdFlag(f, name)!;
}

/** "N" basis points or "none" (remove the override). */
function bpsFlag(f: Flags): number | null {
  const v = required(f, "bps");
  if (v === "none") return null;
  if (!/^\d+$/.test(v))
    throw new UsageError("--bps must be a whole number of basis points (1000 = 10%) or none.");
  return Number(v);
}

function pricesText(p: PriceSet): string {
  return `in $${formatPriceUsd(p.input)}  cached $${formatPriceUsd(p.cachedInput)}  cache-write $${formatPriceUsd(p.cacheWrite)}  out $${formatPriceUsd(p.output)}`;
}

function versionText(v: PriceVersion | null): string {
  return v ? `${pricesText(v)}  (${v.source ?? "?"}, from ${v.effectiveFrom.toISOString()})` : "none (free)";
}

export const priceCommands: Record<string, Command> = {
  "prices list": {
    synopsis: "[--model NAME]",
    about:
      "The price book: every deployment's price in force now (USD per million tokens), the next scheduled one, and its version count.",
    options: { model: str },
    async run(f, open) {
      const { db } = await open();
      const book = await listPriceBook(db, { model: optional(f, "model") });
      const lines = book.map(
        (r) =>
          `${r.model.name}  ${r.provider.name}/${r.upstreamModel}  ${r.deploymentId}${r.enabled ? "" : "  (disabled)"}\n` +
          `  now:  ${versionText(r.current)}\n` +
          (r.next ? `  next: ${versionText(r.next)}\n` : "") +
          `  versions: ${r.history.length}`,
      );
      return { json: { deployments: book }, text: lines.length ? lines.join("\n") : "No deployments." };
    },
  },

  "prices set": {
    synopsis:
      "--deployment ID --input USD --output USD [--cached-input USD] [--cache-write USD] [--effective ISO_DATE]",
    about:
      "Add a price version for a deployment, in USD per million tokens (cached input and cache write default to the input price). --effective in the future schedules the change; the relay picks it up within seconds of it starting.",
    options: {
      deployment: str,
      input: str,
      output: str,
      "cached-input": str,
      "cache-write": str,
      effective: str,
    },
    async run(f, open) {
      const deploymentId = required(f, "deployment");
      const prices = {
        input: requiredUsd(f, "input"),
        output: requiredUsd(f, "output"),
        cachedInput: usdFlag(f, "cached-input"),
        cacheWrite: usdFlag(f, "cache-write"),
      };
      const effective = optional(f, "effective");
      const effectiveFrom = effective === undefined ? undefined : new Date(effective);
      if (effectiveFrom && Number.isNaN(effectiveFrom.getTime())) {
        throw new UsageError("--effective must be an ISO date, e.g. 2026-12-01T00:00:00Z.");
      }
      const { db } = await open();
      const { version, scheduled } = await setPrice(db, CLI_OPERATOR, {
        deploymentId,
        prices,
        effectiveFrom,
      });
      return {
        json: { deploymentId, version, scheduled },
        text: `${scheduled ? "Scheduled" : "Set"} ${deploymentId}: ${versionText(version)}.`,
      };
    },
  },

  "prices data": {
    synopsis: "",
    about:
      "The list prices shipped with Switchyard (used for deployments whose config names no prices). Verify before relying on them.",
    options: {},
    async run() {
      const data = allPriceData();
      const lines = data.map((d) => `${d.vendor}/${d.upstreamModel}  ${pricesText(d.prices)}`);
      return {
        json: { takenAt: PRICE_DATA_TAKEN_AT, note: PRICE_DATA_NOTE, prices: data },
        text: [`Price data taken ${PRICE_DATA_TAKEN_AT}. ${PRICE_DATA_NOTE}`, "", ...lines].join("\n"),
      };
    },
  },

  "markup set": {
    synopsis: "--bps N|none [--workspace SLUG] [--model NAME]",
    about:
      "Set a markup in basis points (1000 = 10%, 0..100000): the platform default (no flags), a workspace's own (--workspace), the platform's for a model (--model) or a workspace's for a model (both). none removes an override.",
    options: { bps: str, workspace: str, model: str },
    async run(f, open) {
      const bps = bpsFlag(f);
      const workspace = optional(f, "workspace");
      const model = optional(f, "model");
      const { db } = await open();
      const shown = bps === null ? "removed" : `${bps} bps (${formatBps(bps)})`;
      if (model) {
        const tenantId = workspace ? await findWorkspaceId(db, workspace) : null;
        const modelId = await findModelId(db, model);
        await setModelMarkup(db, CLI_OPERATOR, { tenantId, modelId, bps });
        return {
          json: { scope: tenantId ? "workspace-model" : "platform-model", tenantId, modelId, bps },
          text: `Markup for ${model}${workspace ? ` in ${workspace}` : " (platform)"}: ${shown}.`,
        };
      }
      if (workspace) {
        const tenantId = await findWorkspaceId(db, workspace);
        await setWorkspaceMarkup(db, CLI_OPERATOR, tenantId, bps);
        return {
          json: { scope: "workspace", tenantId, bps },
          text: `Markup for ${workspace}: ${bps === null ? "removed (platform default applies)" : shown}.`,
        };
      }
      if (bps === null)
        throw new UsageError("The platform default cannot be removed; set a number of basis points.");
      const saved = await setPlatformMarkup(db, CLI_OPERATOR, bps);
      return { json: { scope: "platform", bps: saved }, text: `Platform default markup: ${shown}.` };
    },
  },

  "markup list": {
    synopsis: "",
    about: "The platform default markup and every workspace and per-model override.",
    options: {},
    async run(_f, open) {
      const { db } = await open();
      const m = await listMarkups(db);
      const lines = [
        `Platform default: ${m.platformDefaultBps} bps (${formatBps(m.platformDefaultBps)})`,
        ...m.workspaces.map((w) => `Workspace ${w.slug}: ${w.markupBps} bps (${formatBps(w.markupBps)})`),
        ...m.models.map(
          (o) =>
            `Model ${o.model.name}${o.tenant ? ` in ${o.tenant.slug}` : " (platform)"}: ${o.markupBps} bps (${formatBps(o.markupBps)})`,
        ),
      ];
      return { json: m, text: lines.join("\n") };
    },
  },

  statement: {
    synopsis: "--workspace SLUG_OR_ID --month YYYY-MM [--out FILE.csv]",
    about:
      "A workspace's monthly statement (its time zone): usage by model and key, and ledger movements. CSV to --out, or a summary.",
    options: { workspace: str, month: str, out: str },
    async run(f, open) {
      const workspace = required(f, "workspace");
      const month = required(f, "month");
      parseMonth(month);
      const { db } = await open();
      const s = await monthlyStatement(db, await findWorkspaceId(db, workspace), month);
      const out = optional(f, "out");
      if (out) writeFileSync(out, statementCsv(s));
      const text = [
        `Statement ${s.workspace.slug} ${s.month} (${s.timeZone}, ${s.from.toISOString()} to ${s.to.toISOString()})`,
        `Requests ${s.totals.requests}  charged $${microsToUsd(s.totals.costMicros)}  provider cost $${microsToUsd(s.totals.providerCostMicros)}`,
        `Balance $${microsToUsd(s.ledger.openingBalanceMicros)} -> $${microsToUsd(s.ledger.closingBalanceMicros)}`,
        out ? `Wrote ${out}.` : `Add --out ${statementFilename(s.workspace.slug, s.month)} for the CSV.`,
      ].join("\n");
      return { json: out ? { ...s, file: out } : s, text };
    },
  },
};

// Providers in the operator console: list, add, edit, rotate the key, enable/disable, test the connection.
// The API key is write-only: encrypted under the master key on the way in (lib/crypto.ts), and no function here
// returns it, or its ciphertext (`keySet` says whether one is stored).
import { request } from "undici";
import { z } from "zod";
import { PROTOCOLS } from "@/lib/catalog/config";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { AppError } from "@/lib/errors";
import { ANTHROPIC_VERSION } from "@/lib/gateway/providers/anthropic";
import { VENDORS } from "@/lib/gateway/providers/vendors";
import { newId } from "@/lib/ids";
import { getSecrets } from "@/lib/secrets";
import { reloadCatalog } from "./catalog-reload";
import { defineAction, defineQuery, type OperatorCtx } from "./operator";
import { isUniqueViolation } from "./unique-violation";

const Name = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:/-]{1,100}$/, "Use 1-100 letters, digits and . _ : / - only.");
const Optional = z
  .string()
  .trim()
  .max(200)
  .optional()
  .nullable()
  .transform((v) => (v ? v : null));

export const ProviderInput = z.object({
  name: Name,
  protocol: z.enum(PROTOCOLS, "Choose openai, anthropic or gemini."),
  vendor: Optional.refine((v) => v === null || v in VENDORS, "Unknown vendor."),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "Enter an http(s) URL." })
    .transform((u) => u.replace(/\/+$/, "")),
  region: Optional,
  noDataRetention: z.boolean().default(false),
  enabled: z.boolean().default(true),
  headers: z.record(z.string(), z.string()).nullable().optional(),
});
export type ProviderInput = z.input<typeof ProviderInput>;

/** A new provider: the fields above plus an optional API key (write-only). */
export const NewProviderInput = ProviderInput.extend({
  apiKey: z.string().trim().max(4000).optional().nullable(),
});

export const RotateKeyInput = z.object({
  /** The new key; empty removes the stored key (local providers that need none). */
  apiKey: z.string().trim().max(4000),
});

/** Every column but the key, and whether one is set. */
const PUBLIC = {
  id: true,
  name: true,
  protocol: true,
  vendor: true,
  baseUrl: true,
  region: true,
  noDataRetention: true,
  enabled: true,
  isDemo: true,
  headers: true,
  createdAt: true,
  updatedAt: true,
  apiKeyEncrypted: true,
  _count: { select: { deployments: true } },
} as const;

type Row = {
  apiKeyEncrypted: string | null;
  _count: { deployments: number };
  headers: unknown;
} & Record<string, unknown>;

function toPublic<T extends Row>(row: T) {
  const { apiKeyEncrypted, _count, headers, ...rest } = row;
  return {
    ...rest,
    headerNames: headers && typeof headers === "object" ? Object.keys(headers) : [],
    keySet: apiKeyEncrypted !== null,
    deployments: _count.deployments,
  } as Omit<T, "apiKeyEncrypted" | "_count" | "headers"> & {
    headerNames: string[];
    keySet: boolean;
    deployments: number;
  };
}

/** The columns the add and the edit form both write. */
function providerColumns(p: z.output<typeof ProviderInput>) {
  return {
    name: p.name,
    protocol: p.protocol,
    vendor: p.vendor,
    baseUrl: p.baseUrl,
    region: p.region,
    noDataRetention: p.noDataRetention,
    enabled: p.enabled,
  };
}

/** Runs a write of a provider named `name`; a name another provider has is a conflict on the name field. */
async function withUniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", `A provider named ${name} exists.`, { param: "name" });
    throw err;
  }
}

async function findProvider(op: OperatorCtx, id: string) {
  const row = await op.db.provider.findUnique({ where: { id }, select: PUBLIC });
  if (!row) throw new AppError("not_found", `Provider ${id} not found.`);
  return row;
}

function seal(apiKey: string | null | undefined): string | null {
  return apiKey ? encryptSecret(apiKey, getSecrets().masterKey) : null;
}

export const listProviders = defineQuery("providers.list", async (op) => {
  const rows = await op.db.provider.findMany({ orderBy: { name: "asc" }, select: PUBLIC });
  return rows.map(toPublic);
});

export const getProvider = defineQuery("providers.get", async (op, id: string) =>
  toPublic(await findProvider(op, id)),
);

export const createProvider = defineAction("provider.create", async (op, input: unknown) => {
  const p = NewProviderInput.parse(input);
  const row = await withUniqueName(p.name, () =>
    op.db.provider.create({
      data: {
        id: newId("prv"),
        ...providerColumns(p),
        headers: p.headers ?? undefined,
        apiKeyEncrypted: seal(p.apiKey),
      },
      select: PUBLIC,
    }),
  );
  await reloadCatalog();
  const { apiKey: _key, headers: _headers, ...details } = p;
  const pub = toPublic(row);
  return {
    result: pub,
    audit: {
      action: "provider.create",
      target: row.id,
      details: { ...details, headerNames: pub.headerNames, keySet: pub.keySet },
    },
  };
});

/** Edits everything but the key (see rotateProviderKey). */
export const updateProvider = defineAction("provider.update", async (op, id: string, input: unknown) => {
  const before = await findProvider(op, id);
  const p = ProviderInput.parse(input);
  const row = await withUniqueName(p.name, () =>
    op.db.provider.update({
      where: { id },
      data: {
        ...providerColumns(p),
        ...(p.headers !== undefined && { headers: p.headers ?? undefined }),
      },
      select: PUBLIC,
    }),
  );
  await reloadCatalog();
  // Header values may carry credentials: the audit names changed fields, and headers only by name.
  const shown = (r: typeof row) => ({ ...toPublic(r) }) as Record<string, unknown>;
  const [from, to] = [shown(before), shown(row)];
  const changed = Object.fromEntries(
    [...(Object.keys(p) as string[]).filter((k) => k !== "headers"), "headerNames"]
      .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]))
      .map((k) => [k, { from: from[k], to: to[k] }]),
  );
  return { result: toPublic(row), audit: { action: "provider.update", target: id, details: { changed } } };
});

export const rotateProviderKey = defineAction(
  "provider.rotate_key",
  async (op, id: string, input: unknown) => {
    await findProvider(op, id);
    const { apiKey } = RotateKeyInput.parse(input);
    const row = await op.db.provider.update({
      where: { id },
      data: { apiKeyEncrypted: seal(apiKey) },
      select: PUBLIC,
    });
    await reloadCatalog();
    return {
      result: toPublic(row),
      audit: { action: "provider.rotate_key", target: id, details: { keySet: apiKey !== "" } },
    };
  },
);

export const setProviderEnabled = defineAction(
  "provider.set_enabled",
  async (op, id: string, enabled: boolean) => {
    await findProvider(op, id);
    const row = await op.db.provider.update({
      where: { id },
      data: { enabled: enabled === true },
      select: PUBLIC,
    });
    await reloadCatalog();
    return {
      result: toPublic(row),
      audit: { action: enabled ? "provider.enable" : "provider.disable", target: id },
    };
  },
);

// ---------- test connection ----------

export interface ConnectionTest {
  ok: boolean;
  /** The upstream's HTTP status (null when no response came). */
  status: number | null;
  latencyMs: number;
  /** Models the upstream listed (when it answered with a list). */
  models: number | null;
  error: string | null;
  url: string;
}

const TEST_TIMEOUT_MS = 5_000;

/** The provider's list-models call, per protocol: where, and with which auth headers. */
export function modelsRequestFor(p: {
  protocol: string;
  baseUrl: string;
  apiKey: string | null;
  headers?: Record<string, string>;
}): { url: string; headers: Record<string, string> } {
  const extra = p.headers ?? {};
  const key = p.apiKey ?? "";
  switch (p.protocol) {
    case "anthropic":
      return {
        url: `${p.baseUrl}/v1/models`,
        headers: { ...extra, "x-api-key": key, "anthropic-version": ANTHROPIC_VERSION },
      };
    case "gemini":
      return { url: `${p.baseUrl}/v1beta/models`, headers: { ...extra, "x-goog-api-key": key } };
    default:
      return {
        url: `${p.baseUrl}/models`,
        headers: key ? { ...extra, authorization: `Bearer ${key}` } : extra,
      };
  }
}

function countModels(body: unknown): number | null {
  if (!body || typeof body !== "object") return null;
  const b = body as { data?: unknown; models?: unknown };
  const list = Array.isArray(b.data) ? b.data : Array.isArray(b.models) ? b.models : null;
  return list ? list.length : null;
}

function upstreamMessage(body: unknown, status: number): string {
  const e = (body as { error?: { message?: unknown } | string } | null)?.error;
  const message = typeof e === "string" ? e : typeof e?.message === "string" ? e.message : null;
  return `HTTP ${status}${message ? `: ${message.slice(0, 300)}` : ""}`;
}

/** Calls the provider's models endpoint from the server (short timeout) and reports status, latency, error. */
export const testProviderConnection = defineAction("provider.test", async (op, id: string) => {
  const row = await op.db.provider.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", `Provider ${id} not found.`);
  const apiKey = row.apiKeyEncrypted ? decryptSecret(row.apiKeyEncrypted, getSecrets().masterKey) : null;
  const { url, headers } = modelsRequestFor({
    protocol: row.protocol,
    baseUrl: row.baseUrl,
    apiKey,
    headers: (row.headers ?? undefined) as Record<string, string> | undefined,
  });
  const started = performance.now();
  let result: ConnectionTest;
  try {
    const res = await request(url, {
      method: "GET",
      headers: { accept: "application/json", ...headers },
      headersTimeout: TEST_TIMEOUT_MS,
      bodyTimeout: TEST_TIMEOUT_MS,
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
    });
    const body: unknown = await res.body.json().catch(() => null);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    result = {
      ok,
      status: res.statusCode,
      latencyMs: Math.round(performance.now() - started),
      models: ok ? countModels(body) : null,
      error: ok ? null : upstreamMessage(body, res.statusCode),
      url,
    };
  } catch (err) {
    const e = err as Error & { code?: string };
    const timedOut = e.name === "TimeoutError" || /timeout/i.test(e.code ?? e.name);
    result = {
      ok: false,
      status: null,
      latencyMs: Math.round(performance.now() - started),
      models: null,
      error: timedOut ? `No answer within ${TEST_TIMEOUT_MS / 1000} s.` : `${e.code ?? e.name}: ${e.message}`,
      url,
    };
  }
  return {
    result,
    audit: {
      action: "provider.test",
      target: id,
      details: { ok: result.ok, status: result.status, latencyMs: result.latencyMs, error: result.error },
    },
  };
});

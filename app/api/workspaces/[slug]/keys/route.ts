// GET: the workspace's API keys (hints only). POST {name, expiresAt?}: a new key, returned in full this once.
import { asObject } from "@/lib/http/parse-json";
import { json, withWorkspace } from "@/lib/http/with-session";
import type { z } from "zod";
import { createApiKey, CreateApiKeyInput, listApiKeys } from "@/lib/tenancy/api-keys";

type CreateKey = z.input<typeof CreateApiKeyInput>; // validated by createApiKey

export const GET = withWorkspace(async ({ ctx }) => ({ data: await listApiKeys(ctx) }));

export const POST = withWorkspace(async ({ ctx, body }) => json(await createApiKey(ctx, asObject(body) as CreateKey), 201));

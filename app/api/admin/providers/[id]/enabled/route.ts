// PUT {enabled}: enable or disable a provider (the relay stops or resumes using it within a moment).
import { z } from "zod";
import { setProviderEnabled } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

const Body = z.object({ enabled: z.boolean() });

export const PUT = withOperator<{ id: string }>(async (req, { op, params }) =>
  json(await setProviderEnabled(op, params.id, Body.parse(await readJsonBody(req)).enabled)),
);

// POST {version}: the given version's document becomes the newest version of the platform default.
import { z } from "zod";
import { rollbackPlatformRouting } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

const Body = z.object({ version: z.number().int().positive() });

export const POST = withOperator(async (req, { op }) =>
  json(await rollbackPlatformRouting(op, Body.parse(await readJsonBody(req)).version)),
);

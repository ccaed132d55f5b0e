// GET: the platform default routing policy and its versions. PUT {document, note?}: save a new version.
import { getPlatformRouting, savePlatformRouting } from "@/lib/admin";
import { asObject, readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const GET = withOperator(async (_req, { op }) => json(await getPlatformRouting(op)));

export const PUT = withOperator(async (req, { op }) => {
  const body = asObject(await readJsonBody(req));
  return json(
    await savePlatformRouting(op, { document: body.document, note: body.note as string | undefined }),
  );
});

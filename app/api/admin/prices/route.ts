// GET /api/admin/prices: the price book. POST: a new price version for a deployment (USD per million tokens,
// optional future effectiveFrom). Platform admins only (404 for anyone else).
import { getProcessCatalog } from "@/lib/catalog/runtime";
import { asObject, readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";
import { listPriceBook, priceInputFromForm, setPrice } from "@/lib/billing/price-book";

export const GET = withOperator(async (req, { db }) =>
  json({ deployments: await listPriceBook(db, { model: new URL(req.url).searchParams.get("model") ?? undefined }) }),
);

export const POST = withOperator(async (req, { db, op }) => {
  const result = await setPrice(db, op, priceInputFromForm(asObject(await readJsonBody(req))));
  // A change effective now applies on this instance at once; other instances (and scheduled changes) on their
  // next background reload.
  if (!result.scheduled) await getProcessCatalog()?.refresh();
  return json(result);
});

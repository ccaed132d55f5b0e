// GET: the platform billing settings. PUT {signupCreditUsd, defaultHoldOutputTokens, topUpPresetsUsd,
// topUpMinUsd, topUpMaxUsd}: save them (every instance applies them within seconds).
import { getBillingSettings, updateBillingSettings } from "@/lib/admin";
import { readJsonBody } from "@/lib/http/parse-json";
import { withOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";

export const GET = withOperator(async (_req, { op }) => json(await getBillingSettings(op)));

export const PUT = withOperator(async (req, { op }) =>
  json(await updateBillingSettings(op, await readJsonBody(req))),
);

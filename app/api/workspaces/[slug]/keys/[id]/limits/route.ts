// One API key's limits. GET (any member): {id, name, hint, rpmLimit, tpmLimit, spendLimitMicros, spendLimitPeriod,
// allowedModels, expiresAt}. PATCH {rpm?, tpm?, spendLimit? ("12.50" | "none"), spendLimitPeriod? (monthly | total),
// allowedModels?, expiresAt?} (admins and owners; null removes a limit, a field left out is unchanged): the new
// limits, applied on every instance within seconds.
import { withWorkspace } from "@/lib/http/with-session";
import { getKeyLimits, setKeyLimits, type KeyLimitsInput } from "@/lib/tenancy/limits";

type Params = { slug: string; id: string };

export const GET = withWorkspace<Params>(async ({ ctx, params }) => getKeyLimits(ctx, params.id));

// The body is validated by setKeyLimits.
export const PATCH = withWorkspace<Params>(async ({ ctx, params, body }) =>
  setKeyLimits(ctx, params.id, body as KeyLimitsInput),
);

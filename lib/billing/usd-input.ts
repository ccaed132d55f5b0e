// A USD amount typed by a person or sent by the dashboard ("25", "25.50", 25.5), parsed exactly to micro-dollars
// (never through a float). At most 6 decimals; the callers check their own units (top-ups: whole cents).
import { z } from "zod";
import { usdToMicrosExact } from "./ledger";

export const UsdAmount = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : v.trim().replace(/^\$/, "");
  if (!/^\d+(\.\d{1,6})?$/.test(text)) {
    ctx.addIssue({ code: "custom", message: "Enter an amount in dollars, like 25 or 25.50." });
    return z.NEVER;
  }
  return usdToMicrosExact(text);
});

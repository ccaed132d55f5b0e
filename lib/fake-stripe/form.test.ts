import { describe, expect, it } from "vitest";
import { expandPaths, parseStripeForm, splitKey } from "./form";

// What the stripe SDK (v23) writes for a Checkout Session, byte for byte in its bracket style.
const CHECKOUT_BODY = [
  "mode=payment",
  "customer=cus_123",
  "line_items[0][quantity]=1",
  "line_items[0][price_data][currency]=usd",
  "line_items[0][price_data][unit_amount]=2500",
  "line_items[0][price_data][product_data][name]=Switchyard%20credit",
  "payment_intent_data[setup_future_usage]=off_session",
  "metadata[tenantId]=tnt_abc",
  "metadata[topUpId]=top_xyz",
  "success_url=http%3A%2F%2Flocalhost%2Fw%2Facme%2Fbilling%3Fsession_id%3D%7BCHECKOUT_SESSION_ID%7D",
].join("&");

describe("parseStripeForm", () => {
  it("builds nested objects and arrays from bracketed keys", () => {
    expect(parseStripeForm(CHECKOUT_BODY)).toEqual({
      mode: "payment",
      customer: "cus_123",
      line_items: [
        {
          quantity: "1",
          price_data: { currency: "usd", unit_amount: "2500", product_data: { name: "Switchyard credit" } },
        },
      ],
      payment_intent_data: { setup_future_usage: "off_session" },
      metadata: { tenantId: "tnt_abc", topUpId: "top_xyz" },
      success_url: "http://localhost/w/acme/billing?session_id={CHECKOUT_SESSION_ID}",
    });
  });

  it("reads expand in both the indexed and the empty-bracket forms", () => {
    expect(
      expandPaths(parseStripeForm("expand[0]=payment_intent&expand[1]=payment_intent.latest_charge")),
    ).toEqual(["payment_intent", "payment_intent.latest_charge"]);
    expect(expandPaths(parseStripeForm("expand[]=refunds&expand[]=customer"))).toEqual([
      "refunds",
      "customer",
    ]);
    expect(expandPaths(parseStripeForm("expand=refunds"))).toEqual(["refunds"]);
    expect(expandPaths(parseStripeForm("amount=5"))).toEqual([]);
  });

  it("decodes percent-encoded brackets (URLSearchParams style) the same as raw ones", () => {
    expect(parseStripeForm("metadata%5BtenantId%5D=tnt_1&metadata%5Bkind%5D=auto_topup")).toEqual({
      metadata: { tenantId: "tnt_1", kind: "auto_topup" },
    });
  });

  it("keeps the order of array items by index and compacts gaps", () => {
    expect(parseStripeForm("a[2]=c&a[0]=a")).toEqual({ a: ["a", "c"] });
    expect(parseStripeForm("items[1][id]=y&items[0][id]=x")).toEqual({ items: [{ id: "x" }, { id: "y" }] });
  });

  it("keeps empty values (Stripe's way of unsetting a field) and ignores prototype keys", () => {
    expect(parseStripeForm("description=&metadata[note]=")).toEqual({
      description: "",
      metadata: { note: "" },
    });
    const parsed = parseStripeForm("__proto__[polluted]=1&metadata[__proto__][x]=1");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed).not.toHaveProperty("polluted");
  });

  it("treats a malformed key as one literal name", () => {
    expect(splitKey("a[b")).toEqual(["a[b"]);
    expect(splitKey("a[b]c")).toEqual(["a[b]c"]);
    expect(splitKey("plain")).toEqual(["plain"]);
    expect(splitKey("a[b][]")).toEqual(["a", "b", ""]);
  });
});

// The stand-in's two browser pages: the hosted Checkout page (a "Pay" button and a way back) and a charge's
// receipt. Plain HTML, no scripts.
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f8fa;color:#111;margin:0;padding:2rem 1rem}
main{max-width:26rem;margin:0 auto;background:#fff;border:1px solid #ddd;border-radius:8px;padding:1.5rem}
h1{font-size:1.25rem;margin:0 0 .25rem}.muted{color:#666;font-size:.875rem}.amount{font-size:2rem;font-weight:600;margin:1rem 0}
button,a.btn{display:block;width:100%;box-sizing:border-box;text-align:center;padding:.75rem;border-radius:6px;font-size:1rem;margin-top:.75rem;cursor:pointer}
button{background:#635bff;color:#fff;border:0}a.btn{border:1px solid #ccc;color:#333;text-decoration:none}</style></head>
<body><main>${body}</main></body></html>`;
}

export function checkoutPage(s: {
  id: string;
  amountTotal: number;
  currency: string;
  productName: string;
  cancelUrl: string | null;
  status: string;
}): string {
  if (s.status !== "open") {
    return page(
      "Checkout",
      `<h1>This checkout session is ${esc(s.status)}</h1><p class="muted">Session ${esc(s.id)}</p>`,
    );
  }
  return page(
    "Checkout (Stripe stand-in)",
    `<p class="muted">Stripe stand-in: test mode</p><h1>${esc(s.productName)}</h1>
<div class="amount" data-testid="checkout-amount">${esc(money(s.amountTotal, s.currency))}</div>
<p class="muted">Card 4242 4242 4242 4242 (simulated)</p>
<form method="post" action="/checkout/pay/${esc(s.id)}"><button type="submit">Pay</button></form>
${s.cancelUrl ? `<a class="btn" href="/checkout/cancel/${esc(s.id)}">Cancel and return</a>` : ""}`,
  );
}

export function receiptPage(c: {
  id: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: number;
  description: string | null;
}): string {
  return page(
    "Receipt",
    `<p class="muted">Stripe stand-in receipt</p><h1>Receipt ${esc(c.id)}</h1>
<div class="amount">${esc(money(c.amount, c.currency))}</div>
<p>${esc(c.description ?? "Payment")}</p>
<p class="muted">Paid ${esc(new Date(c.created * 1000).toISOString())}</p>
${c.amountRefunded > 0 ? `<p>Refunded ${esc(money(c.amountRefunded, c.currency))}</p>` : ""}`,
  );
}

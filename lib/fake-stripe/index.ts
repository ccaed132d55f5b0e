export { startFakeStripe, signPayload } from "./server";
export type { FakeStripe, FakeStripeControls, FakeStripeOptions, Delivery, RecordedRequest } from "./server";
export { parseStripeForm, expandPaths } from "./form";

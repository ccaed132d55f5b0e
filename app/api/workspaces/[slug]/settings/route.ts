// The workspace's settings: time zone, region constraint and data retention. GET (any member). PATCH {timeZone?,
// region?, storeBodies?, bodyRetentionDays?, zeroDataRetention?} (admins and owners): the settings now in force;
// region and retention apply to routing on every instance within seconds.
import { withWorkspace } from "@/lib/http/with-session";
import { getStore } from "@/lib/store";
import {
  getWorkspaceSettings,
  updateWorkspaceSettings,
  type WorkspaceSettingsInput,
} from "@/lib/tenancy/settings";

export const GET = withWorkspace(async ({ ctx }) => getWorkspaceSettings(ctx));

// The body is validated by updateWorkspaceSettings.
export const PATCH = withWorkspace(async ({ ctx, body }) =>
  updateWorkspaceSettings(ctx, body as WorkspaceSettingsInput, getStore()),
);

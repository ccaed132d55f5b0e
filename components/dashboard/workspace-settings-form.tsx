"use client";

import { useState, type FormEvent } from "react";
import { SubmitButton } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FieldError, InputField, SelectField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";
import type { WorkspaceSettings } from "@/lib/tenancy/settings";

/** Time zone, region constraint and data retention (admins edit; others read). */
export function WorkspaceSettingsForm({
  slug,
  settings,
  canEdit,
  timeZones,
  regions,
}: {
  slug: string;
  settings: WorkspaceSettings;
  canEdit: boolean;
  timeZones: string[];
  regions: string[];
}) {
  const [current, setCurrent] = useState(settings);
  const [draft, setDraft] = useState(settings);
  const [error, setError] = useState<{ message: string; param: string | null }>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const regionOptions = [...new Set([...regions, ...(current.region ? [current.region] : [])])].sort();

  function change(patch: Partial<WorkspaceSettings>) {
    setDraft((d) => ({ ...d, ...patch, ...(patch.zeroDataRetention ? { storeBodies: false } : {}) }));
    setSaved(false);
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setError(undefined);
    const res = await callApi<WorkspaceSettings>("PATCH", `/api/workspaces/${slug}/settings`, draft);
    setSaving(false);
    if (!res.ok) return setError({ message: res.message, param: res.param });
    setCurrent(res.data);
    setDraft(res.data);
    setSaved(true);
  }

  const errorAt = (param: string) => (error?.param === param ? error.message : undefined);

  return (
    <Card>
      <CardHeader
        title="Routing and data"
        description="Reports use the time zone; the region and retention settings narrow routing for every key."
      />
      <CardBody>
        <form noValidate onSubmit={onSubmit} className="space-y-4">
          <fieldset disabled={!canEdit || saving} className="grid gap-4 sm:grid-cols-2">
            <SelectField
              id="settings-timeZone"
              label="Time zone"
              hint="Daily and monthly reports are bucketed in this zone."
              error={errorAt("timeZone")}
              value={draft.timeZone}
              onChange={(e) => change({ timeZone: e.target.value })}
            >
              {timeZones.map((tz) => (
                <option key={tz} value={tz}>
                  {tz}
                </option>
              ))}
            </SelectField>
            <SelectField
              id="settings-region"
              label="Region constraint"
              hint="Requests only go to deployments in this region."
              error={errorAt("region")}
              value={draft.region ?? ""}
              onChange={(e) => change({ region: e.target.value || null })}
            >
              <option value="">Any region</option>
              {regionOptions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </SelectField>
            <div className="space-y-1.5 sm:col-span-2">
              <label className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={draft.zeroDataRetention}
                  onChange={(e) => change({ zeroDataRetention: e.target.checked })}
                />
                <span>
                  <span className="font-medium">Zero data retention</span>
                  <span className="block text-xs text-muted">
                    Never store request bodies, and only route to providers that retain no data.
                  </span>
                </span>
              </label>
              <FieldError id="settings-zeroDataRetention" message={errorAt("zeroDataRetention")} />
            </div>
            <div className="space-y-1.5">
              <label className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={draft.storeBodies}
                  disabled={draft.zeroDataRetention}
                  onChange={(e) => change({ storeBodies: e.target.checked })}
                  aria-invalid={errorAt("storeBodies") ? true : undefined}
                  aria-describedby={errorAt("storeBodies") ? "settings-storeBodies-error" : undefined}
                />
                <span>
                  <span className="font-medium">Store request and response bodies</span>
                  <span className="block text-xs text-muted">
                    {draft.zeroDataRetention
                      ? "Off while zero data retention is on."
                      : "For debugging in the request log."}
                  </span>
                </span>
              </label>
              <FieldError id="settings-storeBodies" message={errorAt("storeBodies")} />
            </div>
            <InputField
              id="settings-bodyRetentionDays"
              label="Keep bodies for (days)"
              hint="1 to 90 days."
              error={errorAt("bodyRetentionDays")}
              type="number"
              inputMode="numeric"
              min={1}
              max={90}
              value={Number.isNaN(draft.bodyRetentionDays) ? "" : String(draft.bodyRetentionDays)}
              onChange={(e) =>
                change({ bodyRetentionDays: e.target.value === "" ? Number.NaN : Number(e.target.value) })
              }
            />
          </fieldset>
          {error &&
          !["timeZone", "region", "storeBodies", "bodyRetentionDays", "zeroDataRetention"].includes(
            error.param ?? "",
          ) ? (
            <FormError message={error.message} />
          ) : null}
          {canEdit ? (
            <div className="flex items-center gap-3">
              <SubmitButton pending={saving}>Save settings</SubmitButton>
              {saved ? (
                <p className="text-sm text-success" role="status">
                  Saved.
                </p>
              ) : null}
            </div>
          ) : (
            <p className="text-xs text-muted">Only owners and admins can change these settings.</p>
          )}
        </form>
      </CardBody>
    </Card>
  );
}

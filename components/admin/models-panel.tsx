"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormDialog } from "@/components/ui/dialog";
import { InputField, SelectField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { useApiForm } from "./use-api-form";

export interface DeploymentRow {
  id: string;
  provider: string;
  providerEnabled: boolean;
  upstreamModel: string;
  priority: number;
  capabilities: string[];
  enabled: boolean;
}

export interface ModelRow {
  id: string;
  name: string;
  aliases: string[];
  kind: string;
  description: string | null;
  deployments: DeploymentRow[];
}

type Option = { id: string; name: string };

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

export function ModelsPanel({
  models,
  providers,
  capabilities,
}: {
  models: ModelRow[];
  providers: Option[];
  capabilities: string[];
}) {
  const [modelDialog, setModelDialog] = useState<ModelRow | "new" | null>(null);
  const [deploymentDialog, setDeploymentDialog] = useState<{
    model: ModelRow;
    deployment?: DeploymentRow;
  } | null>(null);
  const toggle = useApiForm();

  return (
    <div className="space-y-6">
      <div className="flex justify-end">
        <Button onClick={() => setModelDialog("new")}>Add model</Button>
      </div>
      <FormError message={toggle.error} />
      {models.length === 0 ? (
        <Card>
          <CardBody>
            <p className="text-sm text-muted">No models yet. Add one, then give it a deployment.</p>
          </CardBody>
        </Card>
      ) : null}
      {models.map((m) => (
        <Card key={m.id}>
          <CardHeader
            title={
              <span className="flex flex-wrap items-center gap-2">
                <span data-testid="model-name">{m.name}</span>
                <Badge>{m.kind}</Badge>
              </span>
            }
            description={
              <>
                {m.aliases.length ? `Aliases: ${m.aliases.join(", ")}. ` : ""}
                {m.description ?? ""}
              </>
            }
            actions={
              <div className="flex gap-2">
                <Button size="sm" variant="secondary" onClick={() => setModelDialog(m)}>
                  Edit
                </Button>
                <Button size="sm" variant="secondary" onClick={() => setDeploymentDialog({ model: m })}>
                  Add deployment
                </Button>
              </div>
            }
          />
          {m.deployments.length === 0 ? (
            <CardBody>
              <p className="text-sm text-muted">No deployments: clients cannot use this model yet.</p>
            </CardBody>
          ) : (
            <ul className="divide-y divide-line">
              {m.deployments.map((d) => (
                <li
                  key={d.id}
                  className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm sm:px-5"
                >
                  <div className="min-w-0 space-y-1">
                    <p className="flex flex-wrap items-center gap-2">
                      <span className="font-medium">{d.provider}</span>
                      <span className="text-muted">/</span>
                      <code className="font-mono text-xs">{d.upstreamModel}</code>
                      <Badge tone={d.enabled && d.providerEnabled ? "success" : "neutral"}>
                        {!d.enabled ? "Disabled" : d.providerEnabled ? "Enabled" : "Provider disabled"}
                      </Badge>
                    </p>
                    <p className="text-xs text-muted">
                      Priority {d.priority}
                      {d.capabilities.length ? ` · ${d.capabilities.join(", ")}` : ""}
                    </p>
                  </div>
                  <div className="flex gap-2">
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => setDeploymentDialog({ model: m, deployment: d })}
                    >
                      Edit
                    </Button>
                    <Button
                      size="sm"
                      variant={d.enabled ? "danger-outline" : "secondary"}
                      disabled={toggle.pending}
                      onClick={() =>
                        toggle.send("PATCH", `/api/admin/deployments/${d.id}`, { enabled: !d.enabled })
                      }
                    >
                      {d.enabled ? "Disable" : "Enable"}
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      ))}

      {modelDialog ? (
        <ModelDialog
          model={modelDialog === "new" ? undefined : modelDialog}
          onClose={() => setModelDialog(null)}
        />
      ) : null}
      {deploymentDialog ? (
        <DeploymentDialog
          {...deploymentDialog}
          providers={providers}
          capabilities={capabilities}
          onClose={() => setDeploymentDialog(null)}
        />
      ) : null}
    </div>
  );
}

function ModelDialog({ model, onClose }: { model?: ModelRow; onClose: () => void }) {
  const form = useApiForm();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const body = {
      name: String(d.get("name") ?? "").trim(),
      aliases: list(String(d.get("aliases") ?? "")),
      kind: String(d.get("kind") ?? "chat"),
      description: String(d.get("description") ?? "").trim() || null,
    };
    const ok = model
      ? await form.send("PATCH", `/api/admin/models/${model.id}`, body)
      : await form.send("POST", "/api/admin/models", body);
    if (ok) onClose();
  }
  return (
    <FormDialog
      title={model ? `Edit ${model.name}` : "Add a model"}
      onClose={onClose}
      onSubmit={onSubmit}
      error={form.error}
      pending={form.pending}
      submitLabel={model ? "Save" : "Add model"}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <InputField
          id="mdl-name"
          label="Public name"
          name="name"
          defaultValue={model?.name}
          required
          invalid={form.invalid("name")}
        />
        <SelectField id="mdl-kind" label="Kind" name="kind" defaultValue={model?.kind ?? "chat"}>
          <option>chat</option>
          <option>embeddings</option>
        </SelectField>
      </div>
      <InputField
        id="mdl-aliases"
        label="Aliases (comma-separated)"
        name="aliases"
        defaultValue={model?.aliases.join(", ")}
        invalid={form.invalid("aliases")}
      />
      <InputField
        id="mdl-desc"
        label="Description (optional)"
        name="description"
        defaultValue={model?.description ?? ""}
        maxLength={500}
      />
    </FormDialog>
  );
}

function DeploymentDialog({
  model,
  deployment,
  providers,
  capabilities,
  onClose,
}: {
  model: ModelRow;
  deployment?: DeploymentRow;
  providers: Option[];
  capabilities: string[];
  onClose: () => void;
}) {
  const form = useApiForm();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const common = {
      priority: Number(d.get("priority") ?? 0),
      capabilities: capabilities.filter((c) => d.get(`cap-${c}`) === "on"),
      enabled: d.get("enabled") === "on",
    };
    const ok = deployment
      ? await form.send("PATCH", `/api/admin/deployments/${deployment.id}`, common)
      : await form.send("POST", `/api/admin/models/${model.id}/deployments`, {
          ...common,
          providerId: String(d.get("providerId") ?? ""),
          upstreamModel: String(d.get("upstreamModel") ?? "").trim(),
        });
    if (ok) onClose();
  }
  return (
    <FormDialog
      title={
        deployment
          ? `Edit ${deployment.provider} / ${deployment.upstreamModel}`
          : `Add a deployment of ${model.name}`
      }
      onClose={onClose}
      onSubmit={onSubmit}
      error={form.error}
      pending={form.pending}
      submitLabel={deployment ? "Save" : "Add deployment"}
    >
      {deployment ? null : (
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            id="dep-provider"
            label="Provider"
            name="providerId"
            invalid={form.invalid("providerId")}
          >
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <InputField
            id="dep-upstream"
            label="Upstream model"
            name="upstreamModel"
            placeholder="gpt-4o-mini"
            required
            invalid={form.invalid("upstreamModel")}
          />
        </div>
      )}
      <InputField
        id="dep-priority"
        label="Priority"
        hint="Lower is tried first."
        name="priority"
        type="number"
        step={1}
        defaultValue={deployment?.priority ?? 0}
        invalid={form.invalid("priority")}
      />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Capabilities</legend>
        <div className="flex flex-wrap gap-x-5 gap-y-2 text-sm">
          {capabilities.map((c) => (
            <label key={c} className="flex items-center gap-2">
              <input
                type="checkbox"
                name={`cap-${c}`}
                defaultChecked={deployment?.capabilities.includes(c)}
              />{" "}
              {c}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={deployment?.enabled ?? true} /> Enabled
      </label>
    </FormDialog>
  );
}

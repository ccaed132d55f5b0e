"use client";

import { useContext, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { FormContext, PolicyField } from "./field";
import {
  getIn,
  listFromInput,
  moveAt,
  numberFromInput,
  removeAt,
  setIn,
  type Json,
  type Path,
} from "./policy-doc";
import { RuleCard, type Edit } from "./rule-card";
import type { ModelOption } from "./types";

/** The form view of the policy: one card per rule, then the workspace-wide region and defaults. */
export function PolicyForm({
  doc,
  onChange,
  models,
}: {
  doc: Json;
  onChange: (next: Json) => void;
  models: ModelOption[];
}) {
  const { readOnly } = useContext(FormContext);
  const rules = getIn(doc, ["rules"]);
  const count = Array.isArray(rules) ? rules.length : 0;
  const used = new Set(Array.isArray(rules) ? rules.map((r) => String(getIn(r, ["match"]) ?? "")) : []);
  const unused = [...models.map((m) => m.name), "*"].filter((n) => !used.has(n));
  const [newMatch, setNewMatch] = useState("");
  const edit: Edit = {
    set: (path: Path, value: unknown) => onChange(setIn(doc, path, value)),
    remove: (path, index, dropEmpty) => onChange(removeAt(doc, path, index, dropEmpty)),
    move: (path, from, to) => onChange(moveAt(doc, path, from, to)),
  };
  const region = getIn(doc, ["region"]);

  return (
    <div className="space-y-4">
      <datalist id="policy-model-names">
        {models.map((m) => (
          <option key={m.name} value={m.name} />
        ))}
        <option value="*" />
      </datalist>
      {count === 0 ? (
        <p className="rounded-md border border-dashed border-line px-4 py-6 text-center text-sm text-muted">
          No rules of this workspace: the platform default applies to every model.
        </p>
      ) : null}
      {Array.from({ length: count }, (_, i) => (
        <RuleCard key={i} doc={doc} index={i} models={models} edit={edit} />
      ))}
      {!readOnly ? (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <label htmlFor="policy-add-rule" className="sr-only">
            Model for the new rule
          </label>
          <Select
            id="policy-add-rule"
            value={newMatch}
            onChange={(e) => setNewMatch(e.target.value)}
            className="sm:max-w-xs"
          >
            <option value="">Add a rule for…</option>
            {unused.map((n) => (
              <option key={n} value={n}>
                {n === "*" ? "* (every other model)" : n}
              </option>
            ))}
          </Select>
          <Button
            variant="secondary"
            disabled={!newMatch}
            onClick={() => {
              onChange(setIn(doc, ["rules", count], { match: newMatch, strategy: { type: "priority" } }));
              setNewMatch("");
            }}
          >
            Add rule
          </Button>
        </div>
      ) : null}

      <section
        className="space-y-3 rounded-lg border border-line bg-surface px-4 py-4 shadow-xs"
        aria-labelledby="policy-defaults"
      >
        <h3 id="policy-defaults" className="text-sm font-semibold">
          Every rule
        </h3>
        <div className="grid gap-4 sm:grid-cols-3">
          <PolicyField
            path={["region"]}
            label="Allowed regions (optional)"
            hint="Comma-separated; rules may narrow it further."
          >
            {(a) => (
              <Input
                {...a}
                value={Array.isArray(region) ? region.join(", ") : String(region ?? "")}
                onChange={(e) => edit.set(["region"], listFromInput(e.target.value))}
              />
            )}
          </PolicyField>
          <PolicyField path={["defaults", "retries", "maxAttempts"]} label="Default max attempts">
            {(a) => (
              <Input
                {...a}
                type="number"
                inputMode="numeric"
                value={String(getIn(doc, ["defaults", "retries", "maxAttempts"]) ?? "")}
                onChange={(e) =>
                  edit.set(["defaults", "retries", "maxAttempts"], numberFromInput(e.target.value))
                }
              />
            )}
          </PolicyField>
          <PolicyField
            path={["defaults", "timeouts", "firstTokenMs"]}
            label="Default first-token timeout (ms)"
          >
            {(a) => (
              <Input
                {...a}
                type="number"
                inputMode="numeric"
                value={String(getIn(doc, ["defaults", "timeouts", "firstTokenMs"]) ?? "")}
                onChange={(e) =>
                  edit.set(["defaults", "timeouts", "firstTokenMs"], numberFromInput(e.target.value))
                }
              />
            )}
          </PolicyField>
        </div>
      </section>
    </div>
  );
}

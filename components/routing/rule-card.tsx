"use client";

import { useContext, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { DAYS } from "@/lib/routing/policy";
import { FieldErrors, FormContext, PolicyField, useIssuesUnder } from "./field";
import { getIn, isObject, listFromInput, numberFromInput, type Path } from "./policy-doc";
import { StrategyFields } from "./strategy-fields";
import type { ModelOption } from "./types";

export interface Edit {
  set: (path: Path, value: unknown) => void;
  remove: (path: Path, index: number, dropEmpty?: boolean) => void;
  move: (path: Path, from: number, to: number) => void;
}

const TIMEOUTS = [
  ["connectMs", "Connect"],
  ["firstTokenMs", "First token"],
  ["totalMs", "Total (non-stream)"],
  ["idleMs", "Idle between chunks"],
  ["streamTotalMs", "Total (stream)"],
] as const;

/** What a rule's `match` can pick from: deployments of the model it names, or every provider for "*" and others. */
export function candidateOptions(
  match: string,
  models: ModelOption[],
): Array<{ value: string; label: string }> {
  const model = models.find((m) => m.name === match || m.aliases.includes(match));
  if (model)
    return model.deployments.map((d) => ({
      value: d.selector,
      label: `${d.selector}${d.region ? ` (${d.region})` : ""}`,
    }));
  const providers = [...new Set(models.flatMap((m) => m.deployments.map((d) => d.provider)))].sort();
  return providers.map((p) => ({ value: p, label: `${p} (every model it serves)` }));
}

/** One rule of the policy: what it matches, which deployments and how they are ordered, and its limits. */
export function RuleCard({
  doc,
  index,
  models,
  edit,
}: {
  doc: unknown;
  index: number;
  models: ModelOption[];
  edit: Edit;
}) {
  const { readOnly } = useContext(FormContext);
  const path: Path = ["rules", index];
  const rule = getIn(doc, path);
  const match = String(getIn(rule, ["match"]) ?? "");
  const candidates = getIn(rule, ["candidates"]);
  const list = Array.isArray(candidates) ? candidates.map(String) : null;
  const options = candidateOptions(match, models);
  const selectors = list ?? options.map((o) => o.value);
  const [adding, setAdding] = useState("");
  const region = getIn(rule, ["region"]);
  const schedules = getIn(rule, ["schedules"]);
  const spend = getIn(rule, ["spend"]);
  const timeoutIssues = useIssuesUnder([...path, "timeouts"]);
  const spendIssues = useIssuesUnder([...path, "spend"]);
  const available = options.filter((o) => !list?.includes(o.value));

  return (
    <section
      data-testid="rule-card"
      aria-labelledby={`rule-${index}-title`}
      className="rounded-lg border border-line bg-surface shadow-xs"
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-line px-4 py-3">
        <h3 id={`rule-${index}-title`} className="text-sm font-semibold">
          Rule {index + 1}: <span className="font-mono">{match || "(no model)"}</span>
        </h3>
        {!readOnly ? (
          <Button variant="danger-outline" size="sm" onClick={() => edit.remove(["rules"], index)}>
            Remove rule
          </Button>
        ) : null}
      </div>
      <div className="space-y-4 px-4 py-4">
        <div className="grid gap-4 md:grid-cols-2">
          <PolicyField
            path={[...path, "match"]}
            label="Model"
            hint='A model name, one of its aliases, or "*" for every model.'
          >
            {(a) => (
              <>
                <Input
                  {...a}
                  list="policy-model-names"
                  value={match}
                  onChange={(e) => edit.set([...path, "match"], e.target.value)}
                />
              </>
            )}
          </PolicyField>
          <StrategyFields doc={doc} path={[...path, "strategy"]} selectors={selectors} onSet={edit.set} />
        </div>

        <fieldset className="space-y-2">
          <legend className="text-xs font-medium">Candidates, in priority order</legend>
          {list === null ? (
            <p className="text-xs text-muted">
              Every deployment of the model is a candidate.{" "}
              {!readOnly && options.length ? "Pick some below to restrict and order them." : ""}
            </p>
          ) : (
            <ol className="space-y-1.5" aria-label={`Candidates of rule ${index + 1}`}>
              {list.map((s, i) => (
                <li
                  key={`${s}-${i}`}
                  data-testid="candidate"
                  className="flex flex-wrap items-center gap-2 rounded-md border border-line bg-subtle px-2 py-1.5"
                >
                  <span className="w-5 text-xs text-muted">{i + 1}.</span>
                  <code className="min-w-0 flex-1 truncate font-mono text-xs">{s}</code>
                  {!readOnly ? (
                    <span className="flex gap-1">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Move ${s} up`}
                        disabled={i === 0}
                        onClick={() => edit.move([...path, "candidates"], i, i - 1)}
                      >
                        ↑
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Move ${s} down`}
                        disabled={i === list.length - 1}
                        onClick={() => edit.move([...path, "candidates"], i, i + 1)}
                      >
                        ↓
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Remove ${s}`}
                        onClick={() => edit.remove([...path, "candidates"], i, true)}
                      >
                        ✕
                      </Button>
                    </span>
                  ) : null}
                  <FieldErrors path={[...path, "candidates", i]} />
                </li>
              ))}
            </ol>
          )}
          <FieldErrors path={[...path, "candidates"]} />
          {!readOnly && available.length > 0 ? (
            <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
              <label htmlFor={`rule-${index}-add`} className="sr-only">
                Add a candidate to rule {index + 1}
              </label>
              <Select
                id={`rule-${index}-add`}
                value={adding}
                onChange={(e) => setAdding(e.target.value)}
                className="sm:max-w-sm"
              >
                <option value="">Add a candidate…</option>
                {available.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
              <Button
                size="sm"
                variant="secondary"
                disabled={!adding}
                onClick={() => {
                  edit.set([...path, "candidates"], [...(list ?? []), adding]);
                  setAdding("");
                }}
              >
                Add candidate
              </Button>
              {list !== null ? (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => edit.set([...path, "candidates"], undefined)}
                >
                  Use all deployments
                </Button>
              ) : null}
            </div>
          ) : null}
        </fieldset>

        <div className="grid gap-4 sm:grid-cols-2">
          <PolicyField
            path={[...path, "region"]}
            label="Regions (optional)"
            hint='Comma-separated, e.g. "eu" allows eu-west and eu-central.'
          >
            {(a) => (
              <Input
                {...a}
                value={Array.isArray(region) ? region.join(", ") : String(region ?? "")}
                onChange={(e) => edit.set([...path, "region"], listFromInput(e.target.value))}
              />
            )}
          </PolicyField>
          <PolicyField
            path={[...path, "retries", "maxAttempts"]}
            label="Max attempts (optional)"
            hint="Deployments tried before giving up, 1 to 10."
          >
            {(a) => (
              <Input
                {...a}
                type="number"
                inputMode="numeric"
                value={String(getIn(rule, ["retries", "maxAttempts"]) ?? "")}
                onChange={(e) =>
                  edit.set([...path, "retries", "maxAttempts"], numberFromInput(e.target.value))
                }
              />
            )}
          </PolicyField>
        </div>

        <details open={timeoutIssues || undefined} className="rounded-md border border-line px-3 py-2">
          <summary className="cursor-pointer text-xs font-medium">Timeouts (ms)</summary>
          <div className="mt-3 grid gap-3 sm:grid-cols-3 lg:grid-cols-5">
            {TIMEOUTS.map(([key, label]) => (
              <PolicyField key={key} path={[...path, "timeouts", key]} label={label}>
                {(a) => (
                  <Input
                    {...a}
                    type="number"
                    inputMode="numeric"
                    placeholder="default"
                    value={String(getIn(rule, ["timeouts", key]) ?? "")}
                    onChange={(e) => edit.set([...path, "timeouts", key], numberFromInput(e.target.value))}
                  />
                )}
              </PolicyField>
            ))}
          </div>
          <FieldErrors path={[...path, "timeouts"]} />
        </details>

        <Schedules
          doc={doc}
          path={[...path, "schedules"]}
          selectors={selectors}
          edit={edit}
          count={Array.isArray(schedules) ? schedules.length : 0}
        />

        <details
          open={spendIssues || isObject(spend) || undefined}
          className="rounded-md border border-line px-3 py-2"
        >
          <summary className="cursor-pointer text-xs font-medium">Spend rule</summary>
          <p className="mt-2 text-xs text-muted">
            Past a share of the monthly budget, requests go to another model.
          </p>
          <div className="mt-3 grid gap-3 sm:grid-cols-2">
            <PolicyField path={[...path, "spend", "overBudgetPercent"]} label="Over budget (%)">
              {(a) => (
                <Input
                  {...a}
                  type="number"
                  inputMode="decimal"
                  value={String(getIn(spend, ["overBudgetPercent"]) ?? "")}
                  onChange={(e) =>
                    edit.set([...path, "spend", "overBudgetPercent"], numberFromInput(e.target.value))
                  }
                />
              )}
            </PolicyField>
            <PolicyField path={[...path, "spend", "model"]} label="Then use model">
              {(a) => (
                <Input
                  {...a}
                  list="policy-model-names"
                  value={String(getIn(spend, ["model"]) ?? "")}
                  onChange={(e) => edit.set([...path, "spend", "model"], e.target.value || undefined)}
                />
              )}
            </PolicyField>
          </div>
          <FieldErrors path={[...path, "spend"]} />
        </details>
      </div>
    </section>
  );
}

/** A rule's time-of-day schedules: the first one matching now replaces the rule's strategy. */
function Schedules({
  doc,
  path,
  selectors,
  edit,
  count,
}: {
  doc: unknown;
  path: Path;
  selectors: string[];
  edit: Edit;
  count: number;
}) {
  const { readOnly } = useContext(FormContext);
  const open = useIssuesUnder(path) || count > 0;
  return (
    <details open={open || undefined} className="rounded-md border border-line px-3 py-2">
      <summary className="cursor-pointer text-xs font-medium">Schedules ({count})</summary>
      <p className="mt-2 text-xs text-muted">
        The first schedule matching the current time replaces the strategy, e.g. off-peak hours.
      </p>
      <div className="mt-3 space-y-3">
        {Array.from({ length: count }, (_, i) => {
          const sp: Path = [...path, i];
          const days = getIn(doc, [...sp, "days"]);
          const dayList = Array.isArray(days) ? days.map(String) : null;
          return (
            <div key={i} className="space-y-3 rounded-md border border-line bg-subtle p-3">
              <div className="flex items-center justify-between">
                <p className="text-xs font-semibold">Schedule {i + 1}</p>
                {!readOnly ? (
                  <Button size="sm" variant="ghost" onClick={() => edit.remove(path, i, true)}>
                    Remove schedule
                  </Button>
                ) : null}
              </div>
              <fieldset>
                <legend className="text-xs font-medium">Days (none ticked: every day)</legend>
                <div className="mt-1 flex flex-wrap gap-3">
                  {DAYS.map((d) => (
                    <label key={d} className="flex items-center gap-1 text-xs">
                      <input
                        type="checkbox"
                        disabled={readOnly}
                        checked={dayList?.includes(d) ?? false}
                        onChange={(e) => {
                          const next = e.target.checked
                            ? [...(dayList ?? []), d]
                            : (dayList ?? []).filter((x) => x !== d);
                          edit.set(
                            [...sp, "days"],
                            next.length ? DAYS.filter((x) => next.includes(x)) : undefined,
                          );
                        }}
                      />
                      {d}
                    </label>
                  ))}
                </div>
                <FieldErrors path={[...sp, "days"]} />
              </fieldset>
              <div className="grid gap-3 sm:grid-cols-3">
                {(["from", "to"] as const).map((k) => (
                  <PolicyField key={k} path={[...sp, k]} label={k === "from" ? "From (HH:MM)" : "To (HH:MM)"}>
                    {(a) => (
                      <Input
                        {...a}
                        placeholder={k === "from" ? "22:00" : "06:00"}
                        value={String(getIn(doc, [...sp, k]) ?? "")}
                        onChange={(e) => edit.set([...sp, k], e.target.value)}
                      />
                    )}
                  </PolicyField>
                ))}
                <PolicyField path={[...sp, "timeZone"]} label="Time zone">
                  {(a) => (
                    <Input
                      {...a}
                      placeholder="UTC"
                      value={String(getIn(doc, [...sp, "timeZone"]) ?? "")}
                      onChange={(e) => edit.set([...sp, "timeZone"], e.target.value || undefined)}
                    />
                  )}
                </PolicyField>
              </div>
              <StrategyFields doc={doc} path={[...sp, "strategy"]} selectors={selectors} onSet={edit.set} />
              <FieldErrors path={sp} />
            </div>
          );
        })}
        <FieldErrors path={path} />
        {!readOnly ? (
          <Button
            size="sm"
            variant="secondary"
            onClick={() =>
              edit.set([...path, count], { from: "22:00", to: "06:00", strategy: { type: "lowest-cost" } })
            }
          >
            Add schedule
          </Button>
        ) : null}
      </div>
    </details>
  );
}

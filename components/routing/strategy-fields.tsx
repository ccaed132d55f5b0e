"use client";

import { Input, Select } from "@/components/ui/field";
import { STRATEGY_TYPES } from "@/lib/routing/policy";
import { FieldErrors, PolicyField } from "./field";
import { getIn, isObject, numberFromInput, type Json, type Path } from "./policy-doc";

export const STRATEGY_LABELS: Record<(typeof STRATEGY_TYPES)[number], string> = {
  priority: "Priority (in order)",
  weighted: "Weighted split",
  "lowest-latency": "Lowest latency",
  "lowest-cost": "Lowest cost",
  "cost-within-latency": "Lowest cost within a latency bound",
};

/** The strategy object a type switch starts from: weights of 1 for each selector, a 2 s latency bound. */
export function strategyOf(type: string, selectors: string[]): Json {
  if (type === "weighted") return { type, weights: Object.fromEntries(selectors.map((s) => [s, 1])) };
  if (type === "cost-within-latency") return { type, maxP95TtftMs: 2000 };
  return { type };
}

/**
 * The strategy at `path` (a rule's or a schedule's): its type, and the weights or the latency bound it needs.
 * `selectors` are what weights are given for: the rule's candidates, or the model's deployments.
 */
export function StrategyFields({
  doc,
  path,
  selectors,
  onSet,
}: {
  doc: unknown;
  path: Path;
  selectors: string[];
  onSet: (path: Path, value: unknown) => void;
}) {
  const strategy = getIn(doc, path);
  const type = isObject(strategy) && typeof strategy.type === "string" ? strategy.type : "priority";
  const weights = isObject(strategy) && isObject(strategy.weights) ? strategy.weights : {};
  const weightKeys = [...new Set([...selectors, ...Object.keys(weights)])];
  return (
    <div className="space-y-3">
      <PolicyField path={[...path, "type"]} label="Strategy">
        {(a) => (
          <Select {...a} value={type} onChange={(e) => onSet(path, strategyOf(e.target.value, selectors))}>
            {STRATEGY_TYPES.map((t) => (
              <option key={t} value={t}>
                {STRATEGY_LABELS[t]}
              </option>
            ))}
            {!(STRATEGY_TYPES as readonly string[]).includes(type) ? (
              <option value={type}>{type}</option>
            ) : null}
          </Select>
        )}
      </PolicyField>
      {type === "cost-within-latency" ? (
        <PolicyField
          path={[...path, "maxP95TtftMs"]}
          label="Latency bound: p95 time to first token (ms)"
          hint="The cheapest deployment whose p95 time to first token is within this bound serves first."
        >
          {(a) => (
            <Input
              {...a}
              type="number"
              inputMode="numeric"
              value={String(getIn(strategy, ["maxP95TtftMs"]) ?? "")}
              onChange={(e) => onSet([...path, "maxP95TtftMs"], numberFromInput(e.target.value))}
            />
          )}
        </PolicyField>
      ) : null}
      {type === "weighted" ? (
        <fieldset className="space-y-2">
          <legend className="text-xs font-medium">Weights (share of traffic)</legend>
          {weightKeys.length === 0 ? (
            <p className="text-xs text-muted">Add candidates to give them weights.</p>
          ) : null}
          <div className="grid gap-2 sm:grid-cols-2">
            {weightKeys.map((s) => (
              <PolicyField key={s} path={[...path, "weights", s]} label={s} className="font-mono">
                {(a) => (
                  <Input
                    {...a}
                    type="number"
                    inputMode="decimal"
                    min={0}
                    value={String(weights[s] ?? "")}
                    onChange={(e) => onSet([...path, "weights", s], numberFromInput(e.target.value))}
                  />
                )}
              </PolicyField>
            ))}
          </div>
          <FieldErrors path={[...path, "weights"]} />
        </fieldset>
      ) : null}
      <FieldErrors path={path} />
    </div>
  );
}

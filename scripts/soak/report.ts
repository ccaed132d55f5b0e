// The soak's accounting: every request sent is answered or failed clearly; every answer from an instance that
// stopped gracefully has its usage record (by x-request-id); what the SIGKILLed process may have lost is counted
// apart. Pure functions over what the clients saw and what the database holds, so they are unit-tested.
import type { SentRequest, Try } from "./traffic";

export interface Killed {
  instance: string;
  generation: number;
}

export interface StoredRecord {
  id: string;
  status: number;
  costMicros: bigint;
}

export interface Accounting {
  sent: number;
  answeredByStatus: Map<number, number>;
  answered: number;
  /** 200 streams that ended with an SSE error event and [DONE] (the relay's mid-stream failure). */
  streamErrors: number;
  /** Final try refused at the connection on every instance, or cut by the SIGKILL. */
  clearlyFailed: number;
  /** Answers that were not a full answer nor an OpenAI-shaped error, and cuts not explained by the SIGKILL. */
  unclear: { n: number; instance: string; what: string }[];
  errorCodes: Map<string, number>;
  /** One error message per status and code, for the report. */
  errorSamples: Map<string, string>;
  /** Final statuses per workspace and model ("tnt_x soak-gpt" -> status -> count). */
  byTenantModel: Map<string, Map<number, number>>;
  retried: number;
  refusedTries: number;
  /** Tries cut by the SIGKILL (sent to the killed process, no complete answer). */
  cutByKill: number;
  /** Tries that reached an instance (an answer, or a cut after the request was sent). */
  reachedInstance: number;
  answeredTriesByInstance: Map<string, number>;
  records: {
    inDb: number;
    /** Answers (x-request-id) from processes stopped with SIGTERM, and how many of them have no record. */
    expectedGraceful: number;
    missingGraceful: { id: string; status: number }[];
    /** Answers from the SIGKILLed process, and how many of them have no record (not flushed before it died). */
    answeredByKilled: number;
    lostWithKill: number;
    /** Answers refused before authentication (no workspace yet, so no record by design). */
    beforeAuth: number;
    /** Records whose id no client saw: in-flight requests the killed process recorded before dying, at most. */
    unmatched: number;
  };
}

const bump = <K>(m: Map<K, number>, k: K, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

function isKilled(t: Try, killed: Killed | null): boolean {
  return killed !== null && t.instance === killed.instance && t.generation === killed.generation;
}

/**
 * Answers given before a request is authenticated, so before it belongs to a workspace and can become a usage
 * record: a bad key (401), or the key could not be looked up (503 while the database is unreachable and the key is
 * not in the instance's cache).
 */
export function answeredBeforeAuth(o: { status: number; detail?: string }): boolean {
  return o.status === 401 || (o.status === 503 && !!o.detail?.startsWith("Could not verify the API key"));
}

export function account(sent: SentRequest[], records: StoredRecord[], killed: Killed | null): Accounting {
  const a: Accounting = {
    sent: sent.length,
    answeredByStatus: new Map(),
    answered: 0,
    streamErrors: 0,
    clearlyFailed: 0,
    unclear: [],
    errorCodes: new Map(),
    errorSamples: new Map(),
    byTenantModel: new Map(),
    retried: 0,
    refusedTries: 0,
    cutByKill: 0,
    reachedInstance: 0,
    answeredTriesByInstance: new Map(),
    records: {
      inDb: records.length,
      expectedGraceful: 0,
      missingGraceful: [],
      answeredByKilled: 0,
      lostWithKill: 0,
      beforeAuth: 0,
      unmatched: 0,
    },
  };
  const byId = new Map(records.map((r) => [r.id, r]));
  const seen = new Set<string>();

  for (const r of sent) {
    if (r.tries.length > 1) a.retried += 1;
    for (const t of r.tries) {
      const o = t.outcome;
      if (o.kind === "refused") a.refusedTries += 1;
      else a.reachedInstance += 1;
      if (o.kind === "cut" && isKilled(t, killed)) a.cutByKill += 1;
      if (o.kind !== "response") continue;
      bump(a.answeredTriesByInstance, `${t.instance}#${t.generation}`);
      if (!o.requestId) continue;
      seen.add(o.requestId);
      if (answeredBeforeAuth(o)) {
        a.records.beforeAuth += 1;
        continue;
      }
      const has = byId.has(o.requestId);
      if (isKilled(t, killed)) {
        a.records.answeredByKilled += 1;
        if (!has) a.records.lostWithKill += 1;
      } else {
        a.records.expectedGraceful += 1;
        if (!has) a.records.missingGraceful.push({ id: o.requestId, status: o.status });
      }
    }

    const last = r.tries.at(-1)!;
    const o = last.outcome;
    if (o.kind === "response") {
      a.answered += 1;
      bump(a.answeredByStatus, o.status);
      if (last.errorCode) {
        const code = `${o.status} ${last.errorCode}`;
        bump(a.errorCodes, code);
        if (o.detail && !a.errorSamples.has(code)) a.errorSamples.set(code, o.detail);
      }
      const tm = `${r.tenantId} ${r.model}`;
      if (!a.byTenantModel.has(tm)) a.byTenantModel.set(tm, new Map());
      bump(a.byTenantModel.get(tm)!, o.status);
      if (o.verdict === "stream_error") a.streamErrors += 1;
      if (o.verdict === "unclear")
        a.unclear.push({ n: r.n, instance: last.instance, what: o.detail ?? `status ${o.status}` });
    } else if (o.kind === "refused" || isKilled(last, killed)) {
      a.clearlyFailed += 1;
    } else {
      a.unclear.push({
        n: r.n,
        instance: last.instance,
        what: `connection cut (${o.code}) by a live instance`,
      });
    }
  }
  a.records.unmatched = records.filter((r) => !seen.has(r.id)).length;
  return a;
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export function accountingChecks(a: Accounting): Check[] {
  return [
    {
      name: "every request accounted for",
      pass: a.answered + a.clearlyFailed === a.sent && a.unclear.length === 0,
      detail:
        `${a.answered} answered + ${a.clearlyFailed} failed clearly = ${a.answered + a.clearlyFailed} of ${a.sent} sent` +
        (a.unclear.length ? `; ${a.unclear.length} unclear` : ""),
    },
    {
      name: "usage record for every answer of a gracefully stopped instance",
      pass: a.records.missingGraceful.length === 0,
      detail: `${a.records.expectedGraceful - a.records.missingGraceful.length} of ${a.records.expectedGraceful} found by x-request-id`,
    },
    {
      name: "no usage record nobody asked for",
      pass: a.records.unmatched <= a.cutByKill,
      detail: `${a.records.unmatched} records without a matching answer (at most the ${a.cutByKill} requests cut by the SIGKILL may have one)`,
    },
  ];
}

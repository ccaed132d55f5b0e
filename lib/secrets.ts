// Zero-setup secrets: when AUTH_SECRET / MASTER_KEY are not in the environment, generate them once into
// DATA_DIR/secrets.json (mode 0600) and reuse them on every start. Production should set both variables.
// After a master-key rotation, the previous keys (MASTER_KEY_PREVIOUS, or `previousMasterKeys` in the file) stay
// readable through `keyring` until the operator drops them (lib/crypto.ts, docs/deployment.md).
import { randomBytes } from "node:crypto";
import { renameSync } from "node:fs";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

export interface Secrets {
  authSecret: string;
  /** 32 bytes. */
  masterKey: Buffer;
  /** The master key followed by the previous ones still accepted for decryption. */
  keyring: Buffer[];
  /** Where each came from, for the startup log. */
  source: { authSecret: "env" | "file"; masterKey: "env" | "file" };
}

interface SecretsFile {
  authSecret: string;
  masterKey: string; // base64
  /** Keys replaced by `secrets rotate-master-key`, newest first, still accepted for decryption. */
  previousMasterKeys?: string[];
}

let cached: Secrets | undefined;

export function secretsFilePath(): string {
  return path.join(env().dataDir, "secrets.json");
}

function readOrCreateFile(): SecretsFile {
  const file = secretsFilePath();
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SecretsFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fresh: SecretsFile = {
    authSecret: randomBytes(32).toString("base64url"),
    masterKey: randomBytes(32).toString("base64"),
  };
  try {
    // `wx`: if two processes race, exactly one writes and the other reads the winner's file.
    writeFileSync(file, JSON.stringify(fresh, null, 2) + "\n", { flag: "wx", mode: 0o600 });
    chmodSync(file, 0o600);
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return JSON.parse(readFileSync(file, "utf8")) as SecretsFile;
  }
}

export function parseMasterKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (key.length !== 32) throw new Error("MASTER_KEY must be 32 bytes, given as 64 hex characters or base64");
  return key;
}

/** MASTER_KEY_PREVIOUS: comma-separated keys, each 64 hex characters or base64. */
export function parseKeyList(value: string | undefined): Buffer[] {
  return (value ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .map(parseMasterKey);
}

export function getSecrets(): Secrets {
  if (cached) return cached;
  const e = env();
  const fromEnvAuth = e.AUTH_SECRET ?? e.NEXTAUTH_SECRET;
  const file = fromEnvAuth && e.MASTER_KEY ? undefined : readOrCreateFile();
  const masterKey = parseMasterKey(e.MASTER_KEY ?? file!.masterKey);
  const previous = e.MASTER_KEY
    ? parseKeyList(e.MASTER_KEY_PREVIOUS)
    : [...parseKeyList(e.MASTER_KEY_PREVIOUS), ...(file!.previousMasterKeys ?? []).map(parseMasterKey)];
  cached = {
    authSecret: fromEnvAuth ?? file!.authSecret,
    masterKey,
    keyring: [masterKey, ...previous.filter((k) => !k.equals(masterKey))],
    source: { authSecret: fromEnvAuth ? "env" : "file", masterKey: e.MASTER_KEY ? "env" : "file" },
  };
  return cached;
}

/**
 * Makes `next` the generated master key in DATA_DIR/secrets.json, keeping the replaced key as a previous one
 * (rotation without MASTER_KEY in the environment). Written to a temporary file and renamed: never half-written.
 */
export function replaceFileMasterKey(next: Buffer): { file: string } {
  const file = secretsFilePath();
  const current = readOrCreateFile();
  const updated: SecretsFile = {
    ...current,
    masterKey: next.toString("base64"),
    previousMasterKeys: [current.masterKey, ...(current.previousMasterKeys ?? [])].filter(
      (k) => !parseMasterKey(k).equals(next),
    ),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(updated, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
  resetSecretsCache();
  return { file };
}

export function resetSecretsCache(): void {
  cached = undefined;
}

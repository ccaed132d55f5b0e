// Secrets at rest (provider API keys): AES-256-GCM under the installation's master key (lib/secrets.ts).
// Format: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
//
// Master-key rotation (`npm run cli -- secrets rotate-master-key`, docs/deployment.md): decryption takes a
// keyring, the current key first and then MASTER_KEY_PREVIOUS, and tries each (GCM's tag says which one fits).
// So while a rolling restart moves instances to the new key, any instance reads rows sealed under either key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** One 32-byte key, or the current key followed by previous ones (decryption only). */
export type Keyring = Buffer | readonly Buffer[];

function keysOf(keyring: Keyring): readonly Buffer[] {
  return Buffer.isBuffer(keyring) ? [keyring] : keyring;
}

/** Seals under the keyring's first (current) key. */
export function encryptSecret(plaintext: string, keyring: Keyring): string {
  const masterKey = keysOf(keyring)[0];
  if (!masterKey) throw new Error("No master key");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ["v1", iv, tag, ciphertext]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

function decryptWith(parts: { iv: string; tag: string; ciphertext: string }, key: Buffer): string {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parts.iv, "base64url"));
  decipher.setAuthTag(Buffer.from(parts.tag, "base64url"));
  return Buffer.concat([
    decipher.update(Buffer.from(parts.ciphertext, "base64url")),
    decipher.final(),
  ]).toString("utf8");
}

/** Which key of the keyring opens `sealed` (0 = current), or -1 when none does. */
export function findSecretKey(sealed: string, keyring: Keyring): number {
  const keys = keysOf(keyring);
  for (let i = 0; i < keys.length; i++) {
    try {
      decryptSecret(sealed, keys[i]!);
      return i;
    } catch {
      // the next key
    }
  }
  return -1;
}

export function decryptSecret(sealed: string, keyring: Keyring): string {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || ciphertext === undefined) throw new Error("Unknown secret format");
  let failure: unknown;
  for (const key of keysOf(keyring)) {
    try {
      return decryptWith({ iv, tag, ciphertext }, key);
    } catch (err) {
      failure = err;
    }
  }
  throw new Error("No master key opens this secret (wrong MASTER_KEY, or MASTER_KEY_PREVIOUS missing)", {
    cause: failure,
  });
}

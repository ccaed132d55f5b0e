import { randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Random bytes are drawn from the CSPRNG in 4 KiB blocks: one call per id cost a syscall-sized share of every
// relay request in the benchmark profile. Each byte is used once.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function nextByte(): number {
  if (offset === POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  return pool[offset++]!;
}

/** Uniform base62 string of `length` characters (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const b = nextByte();
    if (b < 248) out += BASE62[b % 62]; // 248 = 4 * 62: keeps the distribution uniform
  }
  return out;
}

export type IdPrefix =
  | "usr" | "tnt" | "mbr" | "inv" | "key" | "oac" | "req" | "prv" | "mdl" | "dep" | "chatcmpl" | "rtp"
  | "prc" | "mku" | "led" | "top" | "bal" | "aud" | "ins";

/** Prefixed id, e.g. `tnt_3kT9...`: 20 base62 characters, about 119 bits. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`;
}

// The fake upstream speaking all three protocols (see types.ts and server.ts).
import { anthropicFake } from "./anthropic";
import { geminiFake } from "./gemini";
import { openaiFake } from "./openai";
import { startFakeUpstream, type FakeBehavior, type FakeUpstream } from "./server";
import type { FakeProtocol } from "./types";

export const ALL_FAKE_PROTOCOLS: FakeProtocol[] = [openaiFake, anthropicFake, geminiFake];

export function startFakeProviders(
  opts: { port?: number; host?: string; behavior?: Partial<FakeBehavior> } = {},
): Promise<FakeUpstream> {
  return startFakeUpstream(ALL_FAKE_PROTOCOLS, opts);
}

export type { FakeBehavior, FakeUpstream };

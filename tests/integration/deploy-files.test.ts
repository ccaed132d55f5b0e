// The deployment files (Dockerfile, docker-compose.yml, deploy/, docs/deployment.md) agree with the app: no
// Docker engine runs here, so this checks what can be checked statically: services, variables named as lib/env.ts
// names them, health checks on the real health route, a non-root runtime user.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENV_NAMES } from "@/lib/env";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

interface Service {
  image?: string;
  build?: unknown;
  env_file?: string | string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const instances = Object.keys(services).filter((n) => n.startsWith("switchyard-"));

/** Variable names set (not commented out) in an env file. */
function envFileNames(file: string): string[] {
  return read(file)
    .split("\n")
    .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l.trim())?.[1])
    .filter((n): n is string => Boolean(n));
}

describe("docker-compose.yml", () => {
  it("runs PostgreSQL 15, Redis 7, two app instances and a load balancer, each with a health check", () => {
    expect(services.postgres?.image).toBe("postgres:15");
    expect(services.redis?.image).toBe("redis:7");
    expect(instances).toHaveLength(2);
    expect(services.nginx?.image).toMatch(/^nginx:/);
    for (const [name, s] of Object.entries(services)) expect(s.healthcheck?.test, name).toBeDefined();
  });

  it("app instances check /api/health, wait for healthy databases and keep DATA_DIR on a volume", () => {
    expect(existsSync(path.join(ROOT, "app/api/health/route.ts"))).toBe(true);
    for (const name of instances) {
      const s = services[name]!;
      expect(s.healthcheck!.test.join(" "), name).toContain("/api/health");
      expect(s.depends_on).toMatchObject({
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
      });
      expect(
        s.volumes?.some((v) => v.endsWith(`:${s.environment?.DATA_DIR}`)),
        name,
      ).toBe(true);
      expect(s.env_file).toBe("deploy/switchyard.env");
    }
  });

  it("sets only variables lib/env.ts reads, and the env file template has the shared secrets and services", () => {
    for (const name of instances) {
      for (const key of Object.keys(services[name]!.environment ?? {})) expect(ENV_NAMES, key).toContain(key);
    }
    const template = envFileNames("deploy/switchyard.env.example");
    const composeOnly = ["POSTGRES_PASSWORD"];
    for (const key of template) expect([...ENV_NAMES, ...composeOnly], key).toContain(key);
    for (const key of ["DATABASE_URL", "REDIS_URL", "MASTER_KEY", "AUTH_SECRET", "APP_URL", "TRUST_PROXY"]) {
      expect(template, key).toContain(key);
    }
    // DATABASE_URL and REDIS_URL point at the compose services.
    const example = read("deploy/switchyard.env.example");
    expect(example).toMatch(/^DATABASE_URL=postgresql:\/\/[^@]+@postgres:5432\//m);
    expect(example).toMatch(/^REDIS_URL=redis:\/\/redis:6379/m);
  });

  it("the load balancer config exists, names both instances and passes streams through unbuffered", () => {
    const mount = services.nginx!.volumes!.find((v) => v.includes("nginx.conf"))!;
    const conf = read(mount.split(":")[0]!);
    for (const name of instances) expect(conf).toContain(`server ${name}:3000`);
    expect(conf).toContain("proxy_buffering off");
    expect(conf).toContain("X-Forwarded-For");
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("builds on node:20-slim and runs the server bundle as a non-root user with a health check", () => {
    expect(dockerfile).toMatch(/^FROM node:20-slim AS build$/m);
    expect(dockerfile).toMatch(/^FROM node:20-slim AS run$/m);
    expect(dockerfile).toMatch(/^USER switchyard$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/server\.mjs"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/api\/health/m);
    expect(dockerfile).toContain('VOLUME ["/data"]');
    expect(dockerfile).toContain("DATA_DIR=/data");
    expect(JSON.parse(read("package.json")).scripts.start).toBe("node dist/server.mjs");
  });
});

describe("docs/deployment.md", () => {
  it("documents every environment variable", () => {
    const doc = read("docs/deployment.md");
    const missing = ENV_NAMES.filter((n) => !doc.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });
});

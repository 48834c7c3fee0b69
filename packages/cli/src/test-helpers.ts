/** Shared by this package's tests: in-memory streams, a seed, conventions for tests. Not part of the API. */
import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import type { Seed } from "@secrets-action/dev-server";
import type { CiConventions } from "./conventions.js";
import { genericConventions } from "./conventions.js";

/** A Writable that keeps every chunk, and can wait until its text matches. */
export class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  private waiters: { test: (text: string) => boolean; resolve: () => void }[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
    const text = this.text();
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.test(text)) return true;
      waiter.resolve();
      return false;
    });
    callback();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString("utf8");
  }

  /** Resolves once the captured text contains `needle`. */
  waitFor(needle: string): Promise<void> {
    if (this.text().includes(needle)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test: (text) => text.includes(needle), resolve }));
  }
}

/** Signals that a test emits by hand. */
export class FakeSignals extends EventEmitter {
  send(signal: NodeJS.Signals): void {
    this.emit(signal, signal);
  }
}

export const CLIENT = { clientId: "cli-client", clientSecret: "cli-client-secret-5f2a9c" };
export const PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgq6nXlNOBhLokekvt\njkbEQyK5I6NYgN50ohw7xElqzLOhRANCAAQ75DjjimtXySPNQtWaxSHS0yHyL0nS\n-----END PRIVATE KEY-----";

/** Secrets the tests fetch, by key. */
export const SECRETS: Record<string, string> = {
  DB_PASSWORD: "s3cr3t-db-pass-Zq81",
  API_TOKEN: "tok_live_4f9a2b7c1d",
  TLS_KEY: PEM,
  JSON_CONFIG: '{"user":"svc","password":"json-leaf-pw-77"}',
  PORT: "5432",
};

/** One project, one universal-auth identity. */
export function cliSeed(): Seed {
  return {
    projects: [{ slug: "demo", id: "6f3c1a2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b", environments: ["dev"], secrets: { dev: { "/": { ...SECRETS }, "/app": { APP_ONLY: "app-folder-value-1" } } } }],
    identities: [
      { name: "cli", projects: { demo: "member" }, universalAuth: { clientId: CLIENT.clientId, clientSecrets: [CLIENT.clientSecret], accessTokenTTL: 3600 } },
    ],
  };
}

/** The environment of a job that logs in with universal auth. */
export function universalEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    INFISICAL_DOMAIN: url,
    INFISICAL_CLIENT_ID: CLIENT.clientId,
    INFISICAL_CLIENT_SECRET: CLIENT.clientSecret,
    INFISICAL_PROJECT_SLUG: "demo",
    INFISICAL_ENV_SLUG: "dev",
    ...extra,
  };
}

export const testConventions: CiConventions = { ...genericConventions, program: "sa-test" };

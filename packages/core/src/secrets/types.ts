import type { HttpClient } from "../http/types.js";

/** What the secrets functions need from a logged-in session: the HTTP client and a valid bearer token. */
export interface Authorized {
  readonly http: HttpClient;
  token(): Promise<string>;
}

/** A project is named by its id (v4 and v3) or its slug (v3 only; the id is looked up from it when v4 is wanted). */
export interface ProjectRef {
  projectId?: string | undefined;
  projectSlug?: string | undefined;
}

/** Which list endpoint to use: `auto` prefers v4 when a project id is known and falls back to v3 on old servers. */
export type ApiVersion = "auto" | "v3" | "v4";

/** One secret as the server returned it, reduced to what a client uses. */
export interface SecretRecord {
  id: string;
  key: string;
  value: string;
  /** The folder the secret lives in (`/` for the root). */
  path: string;
  environment: string;
  comment: string;
  version: number;
  type: "shared" | "personal";
  tags: readonly string[];
  skipMultilineEncoding: boolean;
}

/** The secrets of one folder an import brings in, in the server's order. */
export interface ImportedFolder {
  path: string;
  environment: string;
  secrets: SecretRecord[];
}

/** One list response: the folder's own secrets (and sub-folders' when recursive) and its imports. */
export interface SecretListing {
  secrets: SecretRecord[];
  imports: ImportedFolder[];
  /** The endpoint that answered. */
  apiVersion: "v3" | "v4";
}

/** Options of one list request. */
export interface ListSecretsOptions extends ProjectRef {
  environment: string;
  /** Folder path; default `/`. */
  path?: string | undefined;
  /** Include sub-folders; default false. */
  recursive?: boolean | undefined;
  /** Include imported folders; default false. */
  includeImports?: boolean | undefined;
  /** Expand `${...}` references on the server; default true (as the official action). */
  expandReferences?: boolean | undefined;
  /** Only secrets carrying one of these tag slugs. */
  tags?: readonly string[] | undefined;
}

import type { Project, Secret, SecretImport, Store } from "../store.js";

/**
 * Secret imports, as `fnSecretsV2FromImports`: one entry per import of the folder(s), in stored order, holding the
 * shared secrets of the imported folder (sorted by id, filtered by permission); the secrets of deeper (transitive)
 * imports are appended to the top-level entry's list. Depth limit 10; a global `env=path` set stops cycles and
 * repeated imports. Precedence between entries is the client's business.
 */

const LEVEL_BREAK = 10;

export interface ImportedSecret {
  secret: Secret;
  /** The environment and folder the secret lives in. */
  environment: string;
  secretPath: string;
  /** The value to answer with (expanded or hidden later). */
  value: string;
}

export interface ResolvedImport {
  environment: string;
  secretPath: string;
  folderId: string | undefined;
  secrets: ImportedSecret[];
}

const byId = (a: Secret, b: Secret): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const resolveImports = (
  store: Store,
  project: Project,
  imports: SecretImport[],
  canRead: (environment: string, secretPath: string, secretKey: string) => boolean,
): ResolvedImport[] => {
  const seen = new Set<string>();
  const keyOf = (entry: SecretImport): string => `${entry.environment}=${entry.path}`;

  /** The imports of one batch not seen yet (and not twice in the batch); marks them seen. */
  const admit = (batch: SecretImport[]): SecretImport[] => {
    const admitted = batch.filter((entry, index) => !seen.has(keyOf(entry)) && batch.findIndex((other) => keyOf(other) === keyOf(entry)) === index);
    for (const entry of admitted) seen.add(keyOf(entry));
    return admitted;
  };

  const secretsOf = (entry: SecretImport): ImportedSecret[] => {
    const folder = store.folder(project, entry.environment, entry.path);
    if (!folder) return [];
    return [...folder.secrets]
      .sort(byId)
      .filter((secret) => canRead(entry.environment, folder.path, secret.key))
      .map((secret) => ({ secret, environment: entry.environment, secretPath: folder.path, value: secret.value }));
  };

  const result: ResolvedImport[] = [];
  const queue: { imports: SecretImport[]; depth: number; target: ResolvedImport }[] = [];
  for (const entry of admit(imports)) {
    const folder = store.folder(project, entry.environment, entry.path);
    const resolved: ResolvedImport = { environment: entry.environment, secretPath: entry.path, folderId: folder?.id, secrets: secretsOf(entry) };
    result.push(resolved);
    if (folder && folder.imports.length > 0) queue.push({ imports: folder.imports, depth: 1, target: resolved });
  }
  while (queue.length > 0) {
    const item = queue.shift();
    if (!item || item.depth > LEVEL_BREAK) continue;
    for (const entry of admit(item.imports)) {
      item.target.secrets.push(...secretsOf(entry));
      const folder = store.folder(project, entry.environment, entry.path);
      if (folder && folder.imports.length > 0) queue.push({ imports: folder.imports, depth: item.depth + 1, target: item.target });
    }
  }
  return result;
};

/** Seeds for benchmarks: `count` secrets spread evenly over `folders` folders of one project. */
export interface BenchSeedOptions {
  count: number;
  folders: number;
}

export const BENCH_CLIENT = { clientId: "bench-client-id", clientSecret: "bench-client-secret" };
export const BENCH_PROJECT = { slug: "bench", id: "3b0c5d3e-0000-4000-8000-00000000b3c4" };

/** The folder paths: `/`, then `/f01` … nested two deep so `recursive` has a tree to walk. */
export function benchFolders(folders: number): string[] {
  const paths = ["/"];
  for (let index = 1; index < folders; index++) {
    const name = `f${String(index).padStart(2, "0")}`;
    paths.push(index % 2 === 0 ? `/f${String(index - 1).padStart(2, "0")}/${name}` : `/${name}`);
  }
  return paths;
}

/** A seed object in the dev server's format. Values are realistic lengths (40–200 bytes), some multi-line. */
export function benchSeed({ count, folders }: BenchSeedOptions): Record<string, unknown> {
  const paths = benchFolders(folders);
  const byPath: Record<string, Record<string, string>> = Object.fromEntries(paths.map((path) => [path, {}]));
  for (let index = 0; index < count; index++) {
    const path = paths[index % paths.length] ?? "/";
    const value = index % 50 === 0 ? `-----BEGIN KEY-----\n${"A".repeat(64)}\n${"B".repeat(64)}\n-----END KEY-----` : `value-${index}-${"x".repeat(40 + (index % 160))}`;
    (byPath[path] as Record<string, string>)[`SECRET_${String(index).padStart(5, "0")}`] = value;
  }
  return {
    projects: [{ slug: BENCH_PROJECT.slug, id: BENCH_PROJECT.id, environments: ["dev"], secrets: { dev: byPath } }],
    identities: [
      { name: "bench", projects: { [BENCH_PROJECT.slug]: "member" }, universalAuth: { clientId: BENCH_CLIENT.clientId, clientSecrets: [{ secret: BENCH_CLIENT.clientSecret }] } },
    ],
  };
}

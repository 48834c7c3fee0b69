import type { App, Reply, RequestContext } from "./context.js";

/** Rate-limit bucket of a route, as the real server's `readLimit`, `writeLimit`, `secretsLimit`, `authRateLimit`. */
export type Bucket = "read" | "write" | "secrets" | "auth";

export interface Route {
  method: string;
  /** Segments, `:name` for a parameter: `/api/v3/secrets/raw/:secretName`. */
  path: string;
  /** Rate-limit bucket; routes without one are never limited. */
  bucket?: Bucket;
  /** Whether the route needs an identity access token (checked before the body is read). */
  auth?: boolean;
  handler: (ctx: RequestContext, app: App) => Promise<Reply> | Reply;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

const segmentsOf = (path: string): string[] => path.split("/").filter((segment) => segment !== "");

/** Method + path matching with `:params`; a static segment beats a parameter, as in fastify. */
export class Router {
  private readonly routes: { route: Route; segments: string[] }[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) this.routes.push({ route, segments: segmentsOf(route.path) });
    return this;
  }

  match(method: string, path: string): RouteMatch | undefined {
    const given = segmentsOf(path);
    let best: { match: RouteMatch; score: number } | undefined;
    for (const { route, segments } of this.routes) {
      if (route.method !== method || segments.length !== given.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      segments.forEach((segment, index) => {
        const value = given[index] ?? "";
        if (segment.startsWith(":")) {
          try {
            params[segment.slice(1)] = decodeURIComponent(value);
          } catch {
            ok = false;
          }
        } else if (segment === value) score += 1;
        else ok = false;
      });
      if (ok && (!best || score > best.score)) best = { match: { route, params }, score };
    }
    return best?.match;
  }
}

import { VERSION } from "../version.js";

/** The parts of the User-Agent header. */
export interface UserAgentOptions {
  /** Default "secrets-action". */
  product?: string;
  /** Default the core's VERSION. */
  version?: string;
  /** The CI the adapter runs in, e.g. "github-actions", "gitlab-ci", "circleci". */
  ci?: string;
}

/** `secrets-action/0.1.0 (github-actions; node/20.20.2)`: product and version, then the CI and the runtime. */
export function userAgent(options: UserAgentOptions = {}): string {
  const product = options.product ?? "secrets-action";
  const version = options.version ?? VERSION;
  const comments = [options.ci, `node/${process.versions.node}`].filter((part): part is string => Boolean(part));
  return `${product}/${version} (${comments.join("; ")})`;
}

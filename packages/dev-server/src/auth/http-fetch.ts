import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * A small GET over real HTTP(S) for OIDC discovery and JWKS, with axios-like failures ("Request failed with status
 * code 404", "connect ECONNREFUSED …", "timeout of 10000ms exceeded"). Like the real server, TLS is only verified
 * when a CA certificate is configured.
 */

export interface FetchResult {
  status: number;
  statusMessage: string;
  /** Parsed JSON, or the raw text when the body is not JSON (axios keeps strings). */
  data: unknown;
}

export class FetchError extends Error {
  constructor(message: string, readonly status?: number, readonly data?: unknown) {
    super(message);
    this.name = "FetchError";
  }
}

export const getJson = (url: string, options: { caCert?: string; timeoutMs?: number } = {}): Promise<FetchResult> =>
  new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new FetchError("Invalid URL"));
      return;
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    const requester = target.protocol === "https:" ? httpsRequest : httpRequest;
    const tls = target.protocol === "https:" ? { rejectUnauthorized: Boolean(options.caCert), ...(options.caCert ? { ca: options.caCert } : {}) } : {};
    const req = requester(target, { method: "GET", headers: { accept: "application/json" }, timeout: timeoutMs, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => reject(new FetchError(error.message)));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let data: unknown = text;
        try {
          data = JSON.parse(text);
        } catch {
          // axios leaves a non-JSON body as a string
        }
        const status = res.statusCode ?? 0;
        const result = { status, statusMessage: res.statusMessage ?? "", data };
        if (status < 200 || status >= 300) reject(new FetchError(`Request failed with status code ${status}`, status, data));
        else resolve(result);
      });
    });
    req.on("timeout", () => req.destroy(new FetchError(`timeout of ${timeoutMs}ms exceeded`)));
    req.on("error", (error) => reject(error instanceof FetchError ? error : new FetchError(error.message)));
    req.end();
  });

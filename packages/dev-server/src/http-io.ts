import type { IncomingMessage } from "node:http";

import { HttpError } from "./errors.js";

/** Request body reading and parsing with fastify's limits and content types (JSON and form-urlencoded). */

const BODY_LIMIT = 1024 * 1024;

export const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > BODY_LIMIT) {
        failed = true;
        reject(new HttpError(413, "Payload Too Large", "Request body is too large", { shape: "bare" }));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });

/** Form fields; a repeated name becomes an array (fastify-formbody uses querystring). */
export const formToRecord = (params: URLSearchParams): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
};

/** Parses a body by content type; undefined when empty. */
export const parseBody = (contentType: string | undefined, raw: Buffer): unknown => {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const text = raw.toString("utf8");
  if (type === "application/x-www-form-urlencoded") return formToRecord(new URLSearchParams(text));
  if (type === "application/json" || type.endsWith("+json") || type === "") {
    try {
      return JSON.parse(text);
    } catch {
      if (type === "") throw new HttpError(415, "Unsupported Media Type", "Unsupported Media Type: undefined", { shape: "bare" });
      throw new HttpError(400, "Bad Request", "Body is not valid JSON but content-type is set to 'application/json'", { shape: "bare" });
    }
  }
  throw new HttpError(415, "Unsupported Media Type", `Unsupported Media Type: ${type}`, { shape: "bare" });
};

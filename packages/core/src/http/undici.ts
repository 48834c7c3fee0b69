/// <reference path="./undici-modules.d.ts" />
/**
 * The parts of undici the client uses — Agent, ProxyAgent and the request and connect APIs — imported from their own
 * modules. undici's index also loads fetch, WebSocket, caches, mocks and more at start-up, which a CI step never uses:
 * measured on Node 20, loading the index costs ~55 ms and ~40 MB more than these modules.
 */
import type { Dispatcher } from "undici";
import AgentClass from "undici/lib/dispatcher/agent.js";
import apiConnect from "undici/lib/api/api-connect.js";
import apiRequest from "undici/lib/api/api-request.js";
import DispatcherClass from "undici/lib/dispatcher/dispatcher.js";
import ProxyAgentClass from "undici/lib/dispatcher/proxy-agent.js";

// As undici's index does: every dispatcher gets the request and connect methods (ProxyAgent tunnels with connect).
DispatcherClass.prototype.request ??= apiRequest;
DispatcherClass.prototype.connect ??= apiConnect;

export const Agent = AgentClass;
export const ProxyAgent = ProxyAgentClass;
export type { Dispatcher };

/** Options of one request, as undici's `Dispatcher.request` takes them, minus origin and path (from the URL). */
export type RequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path">;

/** `dispatcher.request(...)` for a full URL. */
export function request(url: URL, dispatcher: Dispatcher, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  return dispatcher.request({ ...options, origin: url.origin, path: `${url.pathname}${url.search}` });
}

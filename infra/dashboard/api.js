// Calls to the DawsOS API with the signed-in user's token; every refusal becomes an ApiError
// whose words say what happened and what to do.

import { currentToken, signOut } from "./auth.js";

export class ApiError extends Error {
  constructor(status, body, path) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.error) || "http_error";
    this.requestId = (body && body.request_id) || null;
    this.body = body || {};
    this.path = path;
  }

  // A 503 from the freshness gate: the expected pack is not fresh; the last fresh one can answer.
  get isFreshnessGate() {
    return this.status === 503 && ("pack_id" in this.body || this.code.startsWith("pack_"));
  }
}

let base = "";

export function setApiBase(url) {
  base = (url || "").replace(/\/+$/, "");
}

export async function api(path, { method = "GET", body = undefined, headers = {} } = {}) {
  const request = { method, headers: { Accept: "application/json", ...headers } };
  const token = currentToken();
  if (token) request.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    request.headers["Content-Type"] = "application/json";
    request.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(base + path, request);
  } catch (err) {
    throw new ApiError(0, { error: "network", message: `the API could not be reached (${err.message})` }, path);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data, path);
    if (response.status === 401) signOut({ quiet: true });
    throw error;
  }
  return data;
}

export function execute(patternId, inputs, { requireFresh = true } = {}) {
  const body = { pattern_id: patternId, inputs };
  if (!requireFresh) body.require_fresh = false;
  return api("/v1/execute", { method: "POST", body });
}

const WORDS = {
  0: "The API could not be reached.",
  400: "The request was refused as invalid.",
  401: "You are not signed in, or your session has expired: sign in again.",
  403: "This is not allowed.",
  404: "Not found, or not yours.",
  409: "This conflicts with an earlier request.",
  413: "The request is too large.",
  415: "The request was not sent as JSON.",
  422: "The API cannot answer this window.",
  429: "Too many requests at once: wait a moment and try again.",
  500: "The API failed.",
  502: "The API failed.",
  503: "The API is not ready to answer.",
  504: "The API took too long.",
};

// One sentence for the user, then the API's own message and the request id to quote.
export function describeError(err) {
  if (!(err instanceof ApiError)) return { headline: "Something went wrong.", detail: String(err) };
  const headline = err.isFreshnessGate
    ? "Today's pricing pack is not fresh yet, so the API will not answer from it."
    : WORDS[err.status] || `The API answered ${err.status}.`;
  const id = err.requestId ? ` (request ${err.requestId})` : "";
  return { headline, detail: `${err.message}${id}` };
}

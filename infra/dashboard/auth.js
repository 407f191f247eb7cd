// Signing in. The token lives in sessionStorage only: it goes when the tab closes.
//
// auth.mode "cognito" (AWS): the Cognito hosted UI, authorization code with PKCE (S256).
//   config.json's auth names domain (the hosted UI's https://... origin), client_id,
//   redirect_uri, logout_uri and scopes. The dashboard sends the user to
//   {domain}/oauth2/authorize with a code_challenge, comes back to redirect_uri with
//   ?code&state, and exchanges the code with its code_verifier at {domain}/oauth2/token (a
//   public client: no secret). The access token is the bearer token the HttpApi's JWT
//   authorizer checks.
// auth.mode "local" (`dawsos serve` only): POST {sign_in_path} {"sub"} answers a token minted
//   with the data dir's secret, for any user named: visibly local, never deployed.

const TOKEN = "dawsos.token";
const SUB = "dawsos.sub";
const EXPIRES = "dawsos.expires";
const VERIFIER = "dawsos.pkce_verifier";
const STATE = "dawsos.pkce_state";

let auth = { mode: "local", sign_in_path: "/local/sign-in" };
let base = "";
const listeners = [];

export function configureAuth(config) {
  auth = config.auth || auth;
  base = (config.api_base_url || "").replace(/\/+$/, "");
}

export function authMode() {
  return auth.mode;
}

export function onSessionChange(listener) {
  listeners.push(listener);
}

function changed() {
  for (const listener of listeners) listener(currentUser());
}

export function currentToken() {
  const expires = Number(sessionStorage.getItem(EXPIRES) || 0);
  if (expires && Date.now() >= expires) {
    clearSession();
    return null;
  }
  return sessionStorage.getItem(TOKEN);
}

export function currentUser() {
  return currentToken() ? sessionStorage.getItem(SUB) : null;
}

function keep(token, sub, expiresInSeconds) {
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(SUB, sub);
  sessionStorage.setItem(EXPIRES, String(Date.now() + 1000 * Number(expiresInSeconds || 3600)));
  changed();
}

function clearSession() {
  for (const key of [TOKEN, SUB, EXPIRES]) sessionStorage.removeItem(key);
}

export function signOut({ quiet = false } = {}) {
  clearSession();
  changed();
  if (!quiet && auth.mode === "cognito" && auth.logout_uri) {
    const url = new URL("/logout", auth.domain);
    url.searchParams.set("client_id", auth.client_id);
    url.searchParams.set("logout_uri", auth.logout_uri);
    window.location.assign(url.toString());
  }
}

// ---- local development sign-in ----

export async function localSignIn(sub) {
  const response = await fetch(base + (auth.sign_in_path || "/local/sign-in"), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ sub }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || `sign-in refused (HTTP ${response.status})`);
  keep(data.token, data.sub, data.expires_in);
}

// ---- Cognito hosted UI, authorization code with PKCE ----

function base64url(bytes) {
  let text = "";
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function codeChallenge(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(digest);
}

export async function cognitoSignIn() {
  const verifier = randomText(48);
  const state = randomText(16);
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const url = new URL("/oauth2/authorize", auth.domain);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", auth.client_id);
  url.searchParams.set("redirect_uri", auth.redirect_uri);
  url.searchParams.set("scope", (auth.scopes || ["openid"]).join(" "));
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("code_challenge", await codeChallenge(verifier));
  window.location.assign(url.toString());
}

// On the way back from the hosted UI: exchange ?code for tokens, then drop it from the URL.
export async function completeCognitoSignIn() {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("code");
  if (auth.mode !== "cognito" || (!code && !params.get("error"))) return;
  const expected = sessionStorage.getItem(STATE);
  const verifier = sessionStorage.getItem(VERIFIER);
  sessionStorage.removeItem(STATE);
  sessionStorage.removeItem(VERIFIER);
  window.history.replaceState(null, "", window.location.pathname + window.location.hash);
  if (params.get("error")) throw new Error(`Cognito refused the sign-in: ${params.get("error_description") || params.get("error")}`);
  if (!expected || params.get("state") !== expected || !verifier) {
    throw new Error("The sign-in answer does not match the request that started it: sign in again.");
  }
  const form = new URLSearchParams({
    grant_type: "authorization_code",
    client_id: auth.client_id,
    code,
    redirect_uri: auth.redirect_uri,
    code_verifier: verifier,
  });
  const response = await fetch(new URL("/oauth2/token", auth.domain), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form,
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`Cognito did not exchange the code: ${tokens.error || response.status}`);
  keep(tokens.access_token, subjectOf(tokens.id_token || tokens.access_token), tokens.expires_in);
}

function subjectOf(jwt) {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.email || payload["cognito:username"] || payload.username || payload.sub;
  } catch {
    return "signed in";
  }
}

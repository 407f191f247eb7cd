// The dashboard: reads config.json (API base URL and auth mode), signs the user in, and
// routes #/, #/portfolio/ID, #/packs and #/exports to their views.

import { setApiBase } from "./api.js";
import {
  authMode,
  cognitoSignIn,
  completeCognitoSignIn,
  configureAuth,
  currentUser,
  localSignIn,
  onSessionChange,
  signOut,
} from "./auth.js";
import { h, replace } from "./dom.js";
import { exportsView } from "./views/exports.js";
import { packsView } from "./views/packs.js";
import { portfolioView } from "./views/portfolio.js";
import { portfoliosView } from "./views/portfolios.js";
import { resetFreshness } from "./views/shared.js";

const main = document.getElementById("main");
const session = document.getElementById("session");
const notice = document.getElementById("notice");

async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json could not be read (HTTP ${response.status})`);
  return response.json();
}

function renderSession(user) {
  if (!user) {
    replace(session);
    return;
  }
  replace(
    session,
    h("span", { id: "signed-in-as" }, "Signed in as ", h("strong", {}, user)),
    h("button", { type: "button", class: "button link", id: "sign-out", onclick: () => signOut() }, "Sign out"),
  );
}

function signInView() {
  if (authMode() === "cognito") {
    return h(
      "section",
      { class: "card sign-in", "aria-labelledby": "h-sign-in" },
      h("h1", { id: "h-sign-in" }, "Sign in"),
      h("p", {}, "You sign in on the DawsOS sign-in page and come back here."),
      h("button", { type: "button", class: "button", id: "sign-in", onclick: () => cognitoSignIn() }, "Sign in"),
    );
  }
  const input = h("input", {
    id: "sign-in-user",
    name: "sub",
    type: "text",
    value: "demo",
    required: true,
    maxlength: "256",
    autocomplete: "username",
    "aria-describedby": "sign-in-help",
  });
  const error = h("p", { class: "error-detail", role: "alert" });
  const form = h(
    "form",
    { class: "card sign-in", "aria-labelledby": "h-sign-in" },
    h("h1", { id: "h-sign-in" }, "Local development sign-in"),
    h(
      "p",
      { id: "sign-in-help" },
      "dawsos serve mints a token for the user you name, with the data dir's secret. ",
      "This exists only on the local stack; the demo's portfolios belong to user demo.",
    ),
    h("div", { class: "field" }, h("label", { for: "sign-in-user" }, "User"), input),
    h("button", { type: "submit", class: "button", id: "sign-in" }, "Sign in"),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await localSignIn(input.value.trim());
      route();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  return form;
}

function markNav(name) {
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

let routing = 0;

async function route() {
  const turn = ++routing;
  main.setAttribute("aria-busy", "true");
  const path = (window.location.hash || "#/").slice(1);
  const rerender = () => route();
  if (!currentUser()) {
    markNav(null);
    replace(main, signInView());
    main.setAttribute("aria-busy", "false");
    document.body.dataset.ready = "sign-in";
    return;
  }
  let view;
  const portfolio = path.match(/^\/portfolio\/([^/]+)$/);
  if (portfolio) {
    markNav("portfolios");
    view = portfolioView(main, decodeURIComponent(portfolio[1]), rerender);
  } else if (path === "/packs") {
    markNav("packs");
    view = packsView(main, rerender);
  } else if (path === "/exports") {
    markNav("exports");
    view = exportsView(main, rerender);
  } else {
    markNav("portfolios");
    view = portfoliosView(main, rerender);
  }
  await view;
  if (turn === routing) {
    main.setAttribute("aria-busy", "false");
    document.body.dataset.ready = path;
  }
}

async function start() {
  try {
    const config = await loadConfig();
    setApiBase(config.api_base_url);
    configureAuth(config);
    document.getElementById("local-banner").hidden = authMode() !== "local";
    await completeCognitoSignIn();
  } catch (err) {
    replace(notice, h("p", { class: "error" }, err.message));
  }
  onSessionChange((user) => {
    renderSession(user);
    resetFreshness();
    if (!user) route();
  });
  renderSession(currentUser());
  window.addEventListener("hashchange", () => {
    delete document.body.dataset.ready;
    route().then(() => main.focus({ preventScroll: true }));
  });
  route();
}

start();

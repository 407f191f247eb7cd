// What every view shares: the freshness choice after a 503, error boxes in words,
// provenance and attributions, figures and sections, and reading an answer into a section.

import { describeError, execute } from "../api.js";
import { h, replace } from "../dom.js";
import { NONE, shortHash } from "../format.js";

// Set once the user accepts the last fresh pack after a 503 from the freshness gate.
const freshness = { requireFresh: true };

export function resetFreshness() {
  freshness.requireFresh = true;
}

export function run(patternId, inputs) {
  return execute(patternId, inputs, { requireFresh: freshness.requireFresh });
}

// ---- shared pieces ----

export function errorBox(err, retry) {
  const { headline, detail } = describeError(err);
  const box = h(
    "div",
    { class: "error", role: "alert" },
    h("p", { class: "error-headline" }, headline),
    h("p", { class: "error-detail" }, detail),
  );
  if (err.isFreshnessGate && retry) {
    const last = err.body.last_fresh_pack_id || err.body.last_fresh_date;
    box.append(
      h(
        "p",
        {},
        "The last fresh pack can answer instead",
        last ? ` (${last})` : "",
        "; its age is shown with every figure. ",
        h(
          "button",
          {
            type: "button",
            class: "button",
            id: "use-last-fresh",
            onclick: () => {
              freshness.requireFresh = false;
              retry();
            },
          },
          "Use the last fresh pack",
        ),
      ),
    );
  }
  return box;
}

export function stale(provenance) {
  if (!provenance || provenance.pack_is_fresh !== false) return null;
  return h(
    "p",
    { class: "stale", role: "status" },
    `Answered from the last fresh pack, ${provenance.pricing_pack_id}, ${provenance.pack_age_days} day(s) old.`,
  );
}

export function provenanceBlock(answer) {
  const p = answer.provenance || {};
  const rows = [
    ["pricing pack", p.pricing_pack_id, "prov-pack"],
    ["pack hash", shortHash(p.pack_hash, 16)],
    ["ledger commit", p.ledger_commit_hash, "prov-commit"],
    ["as of", p.as_of],
    ["policy", p.pricing_policy],
    ["pack", p.pack_is_fresh === undefined ? null : p.pack_is_fresh ? "fresh" : `last fresh, ${p.pack_age_days} day(s) old`],
    ["execution", answer.execution_id],
  ].filter(([, value]) => value !== undefined && value !== null);
  return h(
    "details",
    { class: "provenance" },
    h(
      "summary",
      {},
      "Provenance: pack ",
      h("code", {}, p.pricing_pack_id || NONE),
      ", commit ",
      h("code", {}, shortHash(p.ledger_commit_hash)),
    ),
    h(
      "dl",
      {},
      rows.map(([term, value, cls]) => [h("dt", {}, term), h("dd", {}, h("code", { class: cls }, value))]),
    ),
    attributionList(answer.attributions),
  );
}

export function attributionList(attributions, { heading = "h4" } = {}) {
  if (!attributions || !attributions.length) return null;
  return h(
    "div",
    { class: "attributions" },
    h(heading, {}, "Data sources"),
    h("ul", {}, attributions.map((a) => h("li", {}, h("strong", {}, a.source), ": ", a.text))),
  );
}

export function credits(answer) {
  return h(
    "p",
    { class: "credits" },
    (answer.attributions || []).map((a, i) => [i ? " · " : "", a.text]),
  );
}

export function figure(label, value, { id, raw, cls } = {}) {
  return h(
    "div",
    { class: "figure" },
    h("dt", {}, label),
    h("dd", { id, "data-raw": raw, class: cls }, value),
  );
}

export function section(title, id, ...children) {
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

export function loading(text) {
  return h("p", { class: "muted", role: "status" }, text);
}

// Runs ``load`` into a section body; an error is shown there, in words, with a retry.
export async function fill(body, load, render, retry) {
  try {
    const answer = await load();
    replace(body, render(answer));
  } catch (err) {
    replace(body, errorBox(err, retry));
  }
}

// The page's first read: a heading and a loading line, then the answer, or null once the
// error is shown in its place.
export async function firstRead(main, title, text, load, rerender) {
  replace(main, h("h1", {}, title), loading(text));
  try {
    return await load();
  } catch (err) {
    replace(main, h("h1", {}, title), errorBox(err, rerender));
    return null;
  }
}

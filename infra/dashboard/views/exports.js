// Exports: a portfolio's overview as a file, downloaded through its presigned link, with its watermark.

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { units } from "../format.js";
import { credits, errorBox, firstRead, loading, run, section } from "./shared.js";

const FORMATS = [
  ["pdf", "PDF report"],
  ["xlsx", "Excel workbook"],
  ["csv", "CSV (long form)"],
  ["json", "JSON"],
  ["txt", "Plain text"],
];

export async function exportsView(main, rerender) {
  const listing = await firstRead(main, "Exports", "Reading your portfolios…", () => api("/v1/portfolios"), rerender);
  if (!listing) return;
  const result = h("div", { id: "export-result", "aria-live": "polite" });
  const portfolio = h(
    "select",
    { id: "export-portfolio", name: "portfolio" },
    listing.portfolios.map((p) => h("option", { value: p.id }, `${p.name || p.id} (${p.id})`)),
  );
  const format = h("select", { id: "export-format", name: "format" }, FORMATS.map(([value, label]) => h("option", { value }, label)));
  const submit = h("button", { type: "submit", class: "button", id: "export-submit" }, "Export the overview");
  const form = h(
    "form",
    { class: "card export-form" },
    h("p", {}, "Exports the portfolio's overview as the API answers it now, watermarked with who asked, when, and the pack and ledger commit it came from. Every source's licence is checked first."),
    h("div", { class: "field" }, h("label", { for: "export-portfolio" }, "Portfolio"), portfolio),
    h("div", { class: "field" }, h("label", { for: "export-format" }, "Format"), format),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    replace(result, loading("Running the overview and rendering the file…"));
    try {
      const answer = await run("portfolio_overview", { portfolio_id: portfolio.value });
      const exported = await api("/v1/exports", {
        method: "POST",
        body: { execution_id: answer.execution_id, format: format.value },
        headers: { "Idempotency-Key": crypto.randomUUID() },
      });
      replace(result, exportAnswer(exported, answer));
    } catch (err) {
      replace(result, errorBox(err, () => form.requestSubmit()));
    } finally {
      submit.disabled = false;
    }
  });
  replace(main, h("h1", {}, "Exports"), form, result);
}

function exportAnswer(exported, answer) {
  const p = answer.provenance;
  return section(
    `Export ${exported.format.toUpperCase()} ready`,
    "h-export",
    h(
      "p",
      {},
      h("a", { href: exported.url, id: "export-download", class: "button", download: `dawsos-${exported.export_id}.${exported.format}`, rel: "noopener" }, `Download the ${exported.format.toUpperCase()} (${units(exported.size_bytes)} bytes)`),
      ` The link works until ${exported.expires_at}.`,
    ),
    h(
      "div",
      { class: "watermark", id: "export-watermark" },
      h("h3", {}, "Watermark"),
      h("p", {}, "Every page or sheet of the file shows this mark:"),
      h("blockquote", { id: "export-watermark-text" }, h("code", {}, exported.watermark)),
      h(
        "p",
        {},
        "The file also carries a signed token (DAWSOS-WM1, HMAC-SHA256 over the whole file) naming: ",
      ),
      h(
        "dl",
        {},
        [
          ["export", exported.export_id],
          ["execution", answer.execution_id],
          ["pricing pack", p.pricing_pack_id],
          ["ledger commit", p.ledger_commit_hash],
          ["user", "you, hashed with the watermark key"],
          ["SHA-256 of the file", exported.sha256],
        ].map(([term, value]) => [h("dt", {}, term), h("dd", {}, h("code", {}, value))]),
      ),
      h("p", { class: "muted" }, "Check a downloaded file with dawsos watermark verify FILE: any changed byte fails it."),
    ),
    credits(answer),
  );
}

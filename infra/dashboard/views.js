// The four views. Each reads the API and shows its answers formatted, with their provenance
// and attributions; no figure is computed here.

import { api, describeError, execute } from "./api.js";
import { lineChart, waterfall } from "./charts.js";
import { h, replace, table } from "./dom.js";
import { amount, NONE, percent, ratio, shortHash, signClass, units } from "./format.js";

// Set once the user accepts the last fresh pack after a 503 from the freshness gate.
const freshness = { requireFresh: true };

export function resetFreshness() {
  freshness.requireFresh = true;
}

function run(patternId, inputs) {
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

function stale(provenance) {
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

function attributionList(attributions) {
  if (!attributions || !attributions.length) return null;
  return h(
    "div",
    { class: "attributions" },
    h("h4", {}, "Data sources"),
    h("ul", {}, attributions.map((a) => h("li", {}, h("strong", {}, a.source), ": ", a.text))),
  );
}

function credits(answer) {
  return h(
    "p",
    { class: "credits" },
    (answer.attributions || []).map((a, i) => [i ? " · " : "", a.text]),
  );
}

function figure(label, value, { id, raw, cls } = {}) {
  return h(
    "div",
    { class: "figure" },
    h("dt", {}, label),
    h("dd", { id, "data-raw": raw, class: cls }, value),
  );
}

function section(title, id, ...children) {
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function loading(text) {
  return h("p", { class: "muted", role: "status" }, text);
}

// Runs ``load`` into a section body; an error is shown there, in words, with a retry.
async function fill(body, load, render, retry) {
  try {
    const answer = await load();
    replace(body, render(answer));
  } catch (err) {
    replace(body, errorBox(err, retry));
  }
}

// The page's first read: a heading and a loading line, then the answer, or null once the
// error is shown in its place.
async function firstRead(main, title, text, load, rerender) {
  replace(main, h("h1", {}, title), loading(text));
  try {
    return await load();
  } catch (err) {
    replace(main, h("h1", {}, title), errorBox(err, rerender));
    return null;
  }
}

// ---- all my portfolios ----

export async function portfoliosView(main, rerender) {
  const listing = await firstRead(main, "Portfolios", "Reading your portfolios…", () => api("/v1/portfolios"), rerender);
  if (!listing) return;
  const cards = h("div", { class: "cards" });
  replace(main, h("h1", {}, "Portfolios"), cards);
  if (!listing.portfolios.length) {
    cards.append(h("p", {}, "You have no portfolio yet: create one with dawsos portfolio create or POST /v1/portfolios."));
    return;
  }
  await Promise.all(
    listing.portfolios.map(async (portfolio) => {
      const body = h("div", {}, loading("Reading its returns…"));
      const headingId = `p-${portfolio.id}`;
      cards.append(
        h(
          "article",
          { class: "card portfolio-card", "aria-labelledby": headingId, "data-portfolio": portfolio.id },
          h("h2", { id: headingId }, h("a", { href: `#/portfolio/${encodeURIComponent(portfolio.id)}` }, portfolio.name || portfolio.id)),
          h("p", { class: "muted" }, `${portfolio.id} · base ${portfolio.base_currency} · ${portfolio.account_prefixes.join(", ")}`),
          body,
        ),
      );
      await fill(body, () => run("period_returns", { portfolio_id: portfolio.id }), portfolioSummary, rerender);
    }),
  );
}

function byPeriod(periods) {
  return Object.fromEntries(periods.periods.map((p) => [p.period, p]));
}

function portfolioSummary(answer) {
  const periods = answer.result.periods;
  const named = byPeriod(periods);
  const twr = (name) => (named[name] ? named[name].twr : null);
  return h(
    "div",
    {},
    stale(answer.provenance),
    h(
      "dl",
      { class: "figures" },
      figure("value", amount(periods.value_base, periods.base_currency), { raw: periods.value_base, cls: "big" }),
      figure("day", percent(twr("1d")), { raw: twr("1d"), cls: signClass(twr("1d")) }),
      figure("YTD", percent(twr("YTD")), { raw: twr("YTD"), cls: signClass(twr("YTD")) }),
      figure("since inception", percent(twr("since inception")), {
        raw: twr("since inception"),
        cls: signClass(twr("since inception")),
      }),
    ),
    h(
      "p",
      { class: "muted" },
      `TWR as of ${periods.as_of}; packs from ${periods.covered_from}.`,
      named["since inception"] && named["since inception"].reason ? ` Since inception: ${named["since inception"].reason}.` : "",
    ),
    provenanceBlock(answer),
  );
}

// ---- one portfolio ----

export async function portfolioView(main, id, rerender) {
  const inputs = { portfolio_id: id };
  const overview = h("div", {}, loading("Valuing the portfolio…"));
  const comparison = h("div", {}, loading("Comparing with its benchmarks…"));
  const periods = h("div", {}, loading("Cutting the periods…"));
  const allocation = h("div", {}, loading("Weighing the holdings…"));
  const income = h("div", {}, loading("Adding up the income…"));
  replace(
    main,
    h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Portfolios"), " › ", id),
    h("h1", {}, `Portfolio ${id}`),
    overview,
    section("Cumulative TWR against the benchmarks", "h-bench", comparison),
    section("Period returns", "h-periods", periods),
    section("Allocation", "h-alloc", allocation),
    section("Income", "h-income", income),
  );
  await Promise.all([
    fill(overview, () => run("portfolio_overview", inputs), overviewSections, rerender),
    fill(comparison, () => run("benchmark_comparison", inputs), benchmarkSection, rerender),
    fill(periods, () => run("period_returns", inputs), periodsSection, rerender),
    fill(allocation, () => run("allocation", inputs), allocationSection, rerender),
    fill(income, () => run("income_report", inputs), incomeSection, rerender),
  ]);
}

function overviewSections(answer) {
  const { valuation, metrics, attribution, chart } = answer.result;
  const base = valuation.base_currency;
  const flowDays = chart.dates
    .map((date, i) => ({ date, in: (chart.flow_in || [])[i], out: (chart.flow_out || [])[i] }))
    .filter((d) => Number(d.in || 0) || Number(d.out || 0));
  const summary = section(
    "Value and performance",
    "h-summary",
    stale(answer.provenance),
    h(
      "dl",
      { class: "figures" },
      figure(`value (${valuation.as_of})`, amount(valuation.value_base, base), {
        id: "portfolio-value",
        raw: valuation.value_base,
        cls: "big",
      }),
      figure("TWR", percent(metrics.twr), { id: "portfolio-twr", raw: metrics.twr, cls: signClass(metrics.twr) }),
      figure("MWR", percent(metrics.mwr), { id: "portfolio-mwr", raw: metrics.mwr, cls: signClass(metrics.mwr) }),
      figure("volatility", percent(metrics.volatility), { raw: metrics.volatility }),
      figure("Sharpe", ratio(metrics.sharpe), { raw: metrics.sharpe }),
      figure("max drawdown", percent(metrics.max_drawdown), { raw: metrics.max_drawdown, cls: "down" }),
    ),
    h(
      "p",
      { class: "muted" },
      `Window ${metrics.start} to ${metrics.end}, ${metrics.returns} daily returns; drawdown from ${metrics.max_drawdown_peak || NONE} to ${metrics.max_drawdown_trough || NONE}, ${metrics.max_drawdown_recovery ? `recovered ${metrics.max_drawdown_recovery}` : "not recovered"}.`,
      metrics.window_note ? ` ${metrics.window_note}` : "",
    ),
    provenanceBlock(answer),
  );
  const charts = section(
    "Value, with the external flows marked",
    "h-value",
    lineChart({
      title: `Value in ${base}`,
      description: `the portfolio's value each weekday from ${chart.dates[0]} to ${chart.dates[chart.dates.length - 1]}; green triangles mark money in, red money out`,
      dates: chart.dates,
      series: [{ label: `value (${base})`, values: chart.value, fill: "rgba(31, 78, 121, 0.08)" }],
      currency: base,
      flows: { in: chart.flow_in || [], out: chart.flow_out || [] },
    }),
    flowDays.length
      ? table(
          "External flows in the window",
          ["date", `in (${base})`, `out (${base})`],
          flowDays.map((d) => [d.date, { value: amount(d.in), raw: d.in }, { value: amount(d.out), raw: d.out }]),
        )
      : h("p", { class: "muted" }, "No external flow in the window."),
    lineChart({
      title: "Drawdown",
      description: `the fall from the running peak of the wealth index, from ${chart.dates[0]}; deepest ${percent(metrics.max_drawdown)}`,
      dates: chart.dates,
      series: [{ label: "drawdown", values: chart.drawdown, stroke: "#b71c1c", fill: "rgba(183, 28, 28, 0.12)" }],
      isPercent: true,
      height: 180,
    }),
  );
  return h("div", {}, summary, charts, holdingsSection(valuation), attributionSection(attribution, metrics));
}

function holdingsSection(valuation) {
  const base = valuation.base_currency;
  const withCost = valuation.holdings.some((x) => x.cost_base !== undefined);
  const headers = ["holding", "units", "price", "value (local)", `value (${base})`, "weight"];
  if (withCost) headers.push(`cost (${base})`, `unrealised gain (${base})`, "gain");
  const rows = valuation.holdings.map((x) => {
    const row = [
      x.commodity,
      { value: units(x.units), raw: x.units },
      { value: amount(x.price, x.price_currency), raw: x.price },
      { value: amount(x.value_local, x.price_currency), raw: x.value_local },
      { value: amount(x.value_base), raw: x.value_base },
      { value: percent(x.weight), raw: x.weight },
    ];
    if (withCost) {
      row.push(
        { value: amount(x.cost_base), raw: x.cost_base },
        { value: amount(x.unrealised_gain_base), raw: x.unrealised_gain_base, class: signClass(x.unrealised_gain_base) },
        { value: percent(x.unrealised_gain_pct), raw: x.unrealised_gain_pct, class: signClass(x.unrealised_gain_pct) },
      );
    }
    return row;
  });
  return section(
    "Holdings",
    "h-holdings",
    table(`Holdings at ${valuation.as_of}, valued with pack ${valuation.pricing_pack_id}`, headers, rows, { id: "holdings" }),
  );
}

function attributionSection(attribution, metrics) {
  const steps = [
    ["market (local)", attribution.local],
    ["currency (FX)", attribution.fx],
    ["interaction", attribution.interaction],
    ["trading", attribution.trading],
    ["income", attribution.income],
    ["costs", attribution.costs],
    ["other", attribution.other],
  ].map(([label, value]) => ({ label, value }));
  return section(
    "Where the return came from",
    "h-attribution",
    waterfall({
      title: `The TWR of ${percent(attribution.total)} decomposed, Carino-linked (${metrics.start} to ${metrics.end})`,
      description: steps.map((s) => `${s.label} ${percent(s.value)}`).join(", "),
      steps,
      total: attribution.total,
      totalLabel: "TWR",
    }),
  );
}

function benchmarkSection(answer) {
  const b = answer.result.benchmarks;
  const chart = lineChart({
    title: `Cumulative TWR in ${b.base_currency}`,
    description: `the portfolio's cumulative TWR (${percent(b.twr)}) and each benchmark's price return from ${b.start} to ${b.end}`,
    dates: b.dates,
    series: [
      { label: "portfolio", values: b.cumulative_twr },
      ...b.comparisons.map((c) => ({ label: c.benchmark, values: c.cumulative })),
    ],
    isPercent: true,
  });
  return h(
    "div",
    {},
    stale(answer.provenance),
    chart,
    table(
      `Against each benchmark, ${b.start} to ${b.end}`,
      ["benchmark", "benchmark TWR", "excess", "tracking error", "information ratio", "beta", "alpha", "correlation", "up capture", "down capture"],
      b.comparisons.map((c) => [
        c.benchmark,
        { value: percent(c.benchmark_twr), raw: c.benchmark_twr },
        { value: percent(c.excess_return), raw: c.excess_return, class: signClass(c.excess_return) },
        { value: percent(c.tracking_error), raw: c.tracking_error },
        { value: ratio(c.information_ratio), raw: c.information_ratio },
        { value: ratio(c.beta), raw: c.beta },
        { value: percent(c.alpha), raw: c.alpha },
        { value: ratio(c.correlation), raw: c.correlation },
        { value: ratio(c.up_capture), raw: c.up_capture },
        { value: ratio(c.down_capture), raw: c.down_capture },
      ]),
    ),
    provenanceBlock(answer),
  );
}

function periodsSection(answer) {
  const p = answer.result.periods;
  return h(
    "div",
    {},
    stale(answer.provenance),
    table(
      `Returns by period to ${p.as_of}`,
      ["period", "TWR", "annualised", "MWR", "volatility", "max drawdown", "from", "note"],
      p.periods.map((x) => [
        x.period,
        { value: percent(x.twr), raw: x.twr, class: signClass(x.twr) },
        { value: percent(x.twr_annualized), raw: x.twr_annualized },
        { value: percent(x.mwr), raw: x.mwr },
        { value: percent(x.volatility), raw: x.volatility },
        { value: percent(x.max_drawdown), raw: x.max_drawdown },
        x.start || NONE,
        x.reason || x.note || x.mwr_reason || "",
      ]),
      { id: "periods" },
    ),
    provenanceBlock(answer),
  );
}

function allocationSection(answer) {
  const a = answer.result.allocation;
  const groups = [
    ["by holding", a.by_commodity],
    ["by currency", a.by_currency],
    ...Object.entries(a.by_metadata || {}).map(([key, rows]) => [`by ${key}`, rows]),
  ];
  return h(
    "div",
    {},
    stale(answer.provenance),
    h(
      "div",
      { class: "alloc-grid" },
      groups.map(([title, rows]) =>
        h(
          "div",
          { class: "alloc" },
          h("h3", {}, title),
          h(
            "ul",
            { class: "bars" },
            rows.map((r) => {
              const fill = h("span", { class: "bar-fill" });
              fill.style.width = `${Math.max(0, 100 * Number(r.weight))}%`;
              return h(
                "li",
                {},
                h("span", { class: "bar-label" }, r.group),
                h("span", { class: "bar-track", "aria-hidden": "true" }, fill),
                h("span", { class: "num" }, percent(r.weight)),
                h("span", { class: "num muted" }, amount(r.value_base, a.base_currency)),
              );
            }),
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "muted" },
      `Largest ${a.concentration.largest} at ${percent(a.concentration.largest_weight)}; Herfindahl ${ratio(a.concentration.herfindahl)}. As of ${a.as_of}.`,
    ),
    provenanceBlock(answer),
  );
}

function incomeSection(answer) {
  const r = answer.result.income;
  const base = r.base_currency;
  const money = (x) => ({ value: amount(x), raw: x, class: signClass(x) });
  return h(
    "div",
    {},
    stale(answer.provenance),
    h(
      "dl",
      { class: "figures" },
      figure(`trailing twelve months (${base})`, amount(r.trailing_income, base), { raw: r.trailing_income }),
      figure("trailing yield", percent(r.trailing_yield), { raw: r.trailing_yield }),
      figure("yield on cost", percent(r.yield_on_cost), { raw: r.yield_on_cost }),
    ),
    table(
      `Income per month, ${r.start} to ${r.end} (${base})`,
      ["month", "dividends", "interest", "commissions", "fees", "withholding", "income", "costs"],
      r.by_month.map((m) => [m.month, money(m.dividends), money(m.interest), money(m.commissions), money(m.fees), money(m.withholding), money(m.income), money(m.costs)]),
    ),
    table(
      `Income per holding (${base})`,
      ["holding", "income", "costs", "trailing income", "trailing yield", "yield on cost"],
      r.by_holding.map((x) => [
        x.holding,
        money(x.income),
        money(x.costs),
        money(x.trailing_income),
        { value: percent(x.trailing_yield), raw: x.trailing_yield },
        { value: percent(x.yield_on_cost), raw: x.yield_on_cost },
      ]),
    ),
    provenanceBlock(answer),
  );
}

// ---- packs and freshness ----

export async function packsView(main, rerender) {
  const read = await firstRead(
    main,
    "Pricing packs",
    "Reading the packs…",
    () => Promise.all([api("/health/pack"), api("/v1/packs?limit=30")]),
    rerender,
  );
  if (!read) return;
  const [health, packs] = read;
  const age = health.age_seconds === null || health.age_seconds === undefined ? NONE : `${units(health.age_seconds)} s`;
  replace(
    main,
    h("h1", {}, "Pricing packs"),
    section(
      `Freshness (${health.policy})`,
      "h-fresh",
      h(
        "dl",
        { class: "figures" },
        figure("status", health.status, { id: "pack-status", cls: health.status === "fresh" ? "up" : "down" }),
        figure("expected date", health.expected_date || NONE),
        figure("pack", health.pack_id || NONE),
        figure("age since built", age, { raw: health.age_seconds }),
        figure("reconciliation", health.reconciliation_passed === null || health.reconciliation_passed === undefined ? NONE : health.reconciliation_passed ? `passed, ${ratio(health.reconciliation_error_bps, 2)} bps` : `failed, ${ratio(health.reconciliation_error_bps, 2)} bps`),
        figure("last fresh pack", health.last_fresh_pack_id || NONE),
      ),
      health.error ? h("p", { class: "error-detail" }, health.error) : null,
    ),
    section(
      "Recent packs",
      "h-packs",
      table(
        `The 30 newest packs; age counts days to the pack expected now, of ${packs.expected_date}`,
        ["date", "pack", "status", "fresh", "age (days)", "reconciliation", "error (bps)", "fresh at", "superseded by"],
        packs.packs.map((p) => [
          p.date,
          h("code", {}, p.pack_id),
          p.status,
          p.is_fresh ? "yes" : "no",
          { value: String(p.age_days), raw: p.age_days },
          p.reconciliation_passed === null ? NONE : p.reconciliation_passed ? "passed" : "failed",
          { value: ratio(p.reconciliation_error_bps, 2), raw: p.reconciliation_error_bps },
          p.fresh_at || NONE,
          p.superseded_by || NONE,
        ]),
        { id: "packs" },
      ),
    ),
  );
}

// ---- exports ----

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

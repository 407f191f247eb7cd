// One portfolio: its overview, benchmarks, period returns, allocation and income, each read from its own answer.

import { lineChart, waterfall } from "../charts.js";
import { h, replace, table } from "../dom.js";
import { amount, NONE, percent, ratio, signClass, units } from "../format.js";
import { figure, fill, loading, provenanceBlock, run, section, stale } from "./shared.js";

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

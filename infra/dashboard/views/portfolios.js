// All my portfolios: each one's value in base, its day, YTD and since inception (period_returns).

import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { amount, percent, signClass } from "../format.js";
import { figure, fill, firstRead, loading, provenanceBlock, run, stale } from "./shared.js";

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

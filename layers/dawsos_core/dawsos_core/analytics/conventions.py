"""The conventions every analytics answer is computed under, and states (the manifest)."""

from __future__ import annotations

PERIODS_PER_YEAR = 252
DDOF = 1
ANNUALISE_FROM_DAYS = 365

CONVENTIONS: dict[str, object] = {
    "calendar": "one valuation per weekday (Mon-Fri); a weekend flow counts on the next weekday",
    "window": "opens with the valuation at the end of the start date (rolled back to a "
    "weekday) and holds one return per later weekday through the end date",
    "external_flows": "a transaction that touches both the portfolio side (its accounts and "
    "its internal Income and Expenses accounts) and another account; measured on its legs "
    "outside the portfolio (minus their units per commodity: the cash received or paid, the "
    "securities moved), valued like holdings on the weekday it counts on; a posting to an "
    "internal Income or Expenses account is never a flow",
    "flow_timing": "inflows at the start of the day, outflows at its end: "
    "r_t = (V_t + OUT_t) / (V_{t-1} + IN_t) - 1",
    "zero_denominator": "a day whose start value plus inflows is zero has return 0 and is "
    "listed in zero_denominator_dates",
    "twr": "product of (1 + r_t) minus 1",
    "annualisation": f"(1 + TWR)^({PERIODS_PER_YEAR} / n) - 1 over n daily returns, only for "
    f"windows of {ANNUALISE_FROM_DAYS} calendar days or more",
    "mwr": "XIRR, actual/365: -V_start at the start, -IN and +OUT on their dates, +V_end at "
    "the end; mwr is the cumulative return over the window, (1 + XIRR)^(days / 365) - 1, and "
    f"mwr_annualized the XIRR itself, only for windows of {ANNUALISE_FROM_DAYS} calendar days "
    "or more; both null, with mwr_reason, when no rate or several rates solve the cash flows",
    "risk_minimum": "volatility, Sharpe and Sortino are null below two daily returns",
    "periods_per_year": PERIODS_PER_YEAR,
    "ddof": DDOF,
    "risk_free": "annual rate, daily as (1 + rf)^(1/252) - 1; default 0",
    "volatility": "std(r, ddof=1) * sqrt(252)",
    "sharpe": "mean(r - rf_d) / std(r - rf_d, ddof=1) * sqrt(252)",
    "sortino": "mean(r - rf_d) * 252 / (sqrt(mean(min(r - rf_d, 0)^2)) * sqrt(252))",
    "max_drawdown": "largest fall of the wealth index from a peak, the index starting at 1.0 "
    "before the first return; a negative fraction",
    "holding_return": "each holding's daily P&L is its close value minus its start value "
    "minus its postings at their own price (the @ price, else the cost, else the units), in "
    "base at the day's rate: buys and sells are flows between it and cash, so units that "
    "change without value (splits, stock dividends at cost 0) give no return",
    "decomposition": "TWR = local + fx + interaction + trading + income + costs + other. "
    "trading: a trade's units at the close minus its value, all of a holding not held at the "
    "day's start, an outside leg's close value minus its value; market (the rest of a "
    "holding's P&L) splits as fx = V_start r_X, local = V_start ((1 + m / V_start) / (1 + "
    "r_X) - 1) and their interaction, a currency's move being all fx; income (dividends, "
    "interest) and costs (commissions, fees, withholding): minus the postings to internal "
    "accounts whose open directives declare it (income-class metadata; none: unclassified) "
    "or else whose names say so (leaf first), attributed to the holding the account names, "
    "else the one security the transaction trades, else unattributed; other: the rest "
    "(gains booked without a sale price, unclassified internal income). Each day's effects "
    "are divided by V_{t-1} + IN_t, so they sum to r_t",
    "linking": "Carino",
    "linking_rule": "each day's effects scaled by k_t / k, k_t = ln(1 + r_t) / r_t and "
    "k = ln(1 + TWR) / TWR, so the linked effects sum to the TWR",
    "units": "plain fractions (0.0123, not 1.23%)",
    "arithmetic": "float64 (numpy) from exact decimal valuations",
}

// Charts: uPlot lines for series the API gives, and a waterfall drawn with plain elements.
// Each chart has a text alternative: a label saying what it shows, and the figures in a table.

import uPlot from "./vendor/uplot/uPlot.esm.js";
import { h } from "./dom.js";
import { amount, percent } from "./format.js";

const COLORS = ["#1f4e79", "#b35900", "#2e7d32", "#6a1b9a", "#00838f"];
const IN = "#2e7d32";
const OUT = "#b71c1c";

function seconds(isoDate) {
  return Date.parse(`${isoDate}T00:00:00Z`) / 1000;
}

function sizeOf(container, height) {
  return { width: Math.max(280, container.clientWidth || 600), height };
}

// Triangles on the value line where an external flow was counted: up for money in, down out.
function flowMarks(flowIn, flowOut) {
  return (u) => {
    const { ctx } = u;
    const r = 6 * devicePixelRatio;
    ctx.save();
    for (let i = 0; i < u.data[0].length; i++) {
      const inflow = Number(flowIn[i] || 0);
      const outflow = Number(flowOut[i] || 0);
      if (!inflow && !outflow) continue;
      const x = u.valToPos(u.data[0][i], "x", true);
      const y = u.valToPos(u.data[1][i], "y", true);
      for (const [value, color, dir] of [[inflow, IN, -1], [outflow, OUT, 1]]) {
        if (!value) continue;
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.moveTo(x, y + dir * 3 * r);
        ctx.lineTo(x - r, y + dir * 1.2 * r);
        ctx.lineTo(x + r, y + dir * 1.2 * r);
        ctx.closePath();
        ctx.fill();
      }
    }
    ctx.restore();
  };
}

// series: [{label, values}]; percent: values are fractions; flows: {in, out} per date.
export function lineChart({ title, description, dates, series, isPercent = false, currency = "", flows = null, height = 260 }) {
  const figure = h("figure", { class: "chart" });
  const plotBox = h("div", { class: "plot", role: "img", "aria-label": `${title}: ${description}` });
  figure.append(h("figcaption", {}, title), plotBox);
  const format = (v) => (v === null || v === undefined ? "–" : isPercent ? percent(v) : amount(v, currency));
  const opts = {
    ...sizeOf(plotBox, height),
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      { stroke: "#333", grid: { stroke: "#e3e3e3" } },
      {
        stroke: "#333",
        grid: { stroke: "#e3e3e3" },
        size: 70,
        values: (u, ticks) => ticks.map((t) => (isPercent ? `${(100 * t).toFixed(1)}%` : amount(t, "", 0))),
      },
    ],
    series: [
      { label: "date", value: (u, t) => (t ? new Date(t * 1000).toISOString().slice(0, 10) : "–") },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.stroke || COLORS[i % COLORS.length],
        width: 2,
        fill: s.fill,
        value: (u, v) => format(v),
      })),
    ],
    hooks: flows ? { draw: [flowMarks(flows.in, flows.out)] } : {},
  };
  const data = [dates.map(seconds), ...series.map((s) => s.values.map((v) => (v === null ? null : Number(v))))];
  // Drawn once the figure is in the page, so the plot can take its container's width.
  requestAnimationFrame(() => {
    opts.width = sizeOf(plotBox, height).width;
    const plot = new uPlot(opts, data, plotBox);
    new ResizeObserver(() => plot.setSize(sizeOf(plotBox, height))).observe(plotBox);
  });
  return figure;
}

// steps: [{label, value}] that add up to total; drawn as floating bars, the total last.
export function waterfall({ title, description, steps, total, totalLabel = "total" }) {
  let running = 0;
  const spans = steps.map((step) => {
    const from = running;
    running += Number(step.value);
    return { ...step, from, to: running };
  });
  const ends = [0, total, ...spans.flatMap((s) => [s.from, s.to])];
  const lo = Math.min(...ends);
  const hi = Math.max(...ends);
  const scale = hi - lo || 1;
  const left = (x) => `${(100 * (x - lo)) / scale}%`;
  const bar = (label, from, to, value, kind) =>
    h(
      "li",
      { class: `wf-row ${kind}` },
      h("span", { class: "wf-label" }, label),
      h(
        "span",
        { class: "wf-track", "aria-hidden": "true" },
        h("span", { class: "wf-zero", "data-left": left(0) }),
        h("span", { class: "wf-bar", "data-left": left(Math.min(from, to)), "data-width": `${(100 * Math.abs(to - from)) / scale}%` }),
      ),
      h("span", { class: `wf-value num ${value > 0 ? "up" : value < 0 ? "down" : ""}` }, percent(value)),
    );
  const list = h(
    "ol",
    { class: "waterfall", "aria-label": `${title}: ${description}` },
    spans.map((s) => bar(s.label, s.from, s.to, Number(s.value), Number(s.value) >= 0 ? "gain" : "loss")),
    bar(totalLabel, 0, total, Number(total), "total"),
  );
  // Positions are set through the CSSOM, which the content security policy allows.
  for (const el of list.querySelectorAll("[data-left]")) {
    el.style.left = el.dataset.left;
    if (el.dataset.width) el.style.width = el.dataset.width;
  }
  return h("figure", { class: "chart" }, h("figcaption", {}, title), list);
}

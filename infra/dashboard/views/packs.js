// Pricing packs and their freshness: the expected pack's state and the newest packs.

import { api } from "../api.js";
import { h, replace, table } from "../dom.js";
import { NONE, ratio, units } from "../format.js";
import { attributionList, figure, firstRead, section } from "./shared.js";

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
      attributionList(packs.attributions, { heading: "h3" }),
    ),
  );
}

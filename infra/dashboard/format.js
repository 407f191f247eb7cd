// Presentation only: every figure shown comes from the API and is formatted here, never
// computed. Amounts come as decimal text or numbers; both are shown to two places.

const locale = "en-CA";
const amountFormats = new Map();

function amountFormat(places) {
  if (!amountFormats.has(places)) {
    amountFormats.set(
      places,
      new Intl.NumberFormat(locale, { minimumFractionDigits: places, maximumFractionDigits: places }),
    );
  }
  return amountFormats.get(places);
}

const plain = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });

export const NONE = "–";

function isMissing(x) {
  return x === null || x === undefined || x === "";
}

export function amount(x, currency = "", places = 2) {
  if (isMissing(x)) return NONE;
  const text = amountFormat(places).format(Number(x)).replace(/\u00a0/g, " ");
  return currency ? `${text} ${currency}` : text;
}

export function units(x) {
  return isMissing(x) ? NONE : plain.format(Number(x));
}

// A fraction as a percentage: 0.0727 -> "7.27%".
export function percent(x, places = 2) {
  if (isMissing(x)) return NONE;
  return `${amountFormat(places).format(100 * Number(x))}%`;
}

export function ratio(x, places = 3) {
  return isMissing(x) ? NONE : amountFormat(places).format(Number(x));
}

export function shortHash(hash, n = 12) {
  return isMissing(hash) ? NONE : String(hash).slice(0, n);
}

export function signClass(x) {
  if (isMissing(x) || Number(x) === 0) return "";
  return Number(x) > 0 ? "up" : "down";
}

// Building the page without innerHTML: text is always text, never markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = value;
    else if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A table with a title and a header row; each row's cells are nodes or text, a cell given
// as {value, raw, class} is a right-aligned figure (raw: the API's value, in data-raw). The
// title stays outside the part that scrolls sideways on a narrow screen, and names both.
let tables = 0;

export function table(caption, headers, rows, { id } = {}) {
  const titleId = `table-title-${++tables}`;
  return h(
    "div",
    { class: "table-block" },
    h("p", { class: "table-title", id: titleId }, caption),
    h(
      "div",
      { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": titleId },
      h(
        "table",
        { id, "aria-labelledby": titleId },
        h("thead", {}, h("tr", {}, headers.map((text, i) => h("th", { scope: "col", class: isFigure((rows[0] || [])[i]) ? "num" : null }, text)))),
        h(
          "tbody",
          {},
          rows.map((cells) =>
            h(
              "tr",
              {},
              cells.map((cell, i) => {
                const tag = i === 0 ? "th" : "td";
                const scope = i === 0 ? "row" : undefined;
                if (isFigure(cell)) {
                  return h(tag, { scope, class: `num ${cell.class || ""}`.trim(), "data-raw": cell.raw }, cell.value);
                }
                return h(tag, { scope }, cell);
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

function isFigure(cell) {
  return Boolean(cell) && typeof cell === "object" && !(cell instanceof Node) && "value" in cell;
}

// Page helpers: confirmations (data-confirm), column chooser remembered per list, row selection
// feeding bulk forms. Everything re-applies after htmx swaps.
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

function hiddenColumns(card) {
  try { return JSON.parse(localStorage.getItem("dd-hidden-" + card.dataset.columns) || "[]"); }
  catch { return []; }
}

function applyColumns(card) {
  const hidden = hiddenColumns(card);
  card.querySelectorAll("[data-col]").forEach((cell) => {
    cell.classList.toggle("d-none", hidden.includes(cell.dataset.col));
  });
  card.querySelectorAll(".dd-column-toggle").forEach((box) => { box.checked = !hidden.includes(box.value); });
}

function updateSelection(card) {
  const chosen = [...card.querySelectorAll(".dd-select:checked")];
  const form = card.querySelector(".dd-bulk-form");
  const counter = card.querySelector(".dd-selected-count");
  if (counter) counter.textContent = chosen.length ? `已选 ${chosen.length} 人` : "";
  if (!form) return;
  form.querySelectorAll("input[name=ids]").forEach((input) => input.remove());
  chosen.forEach((box) => {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = "ids"; input.value = box.value;
    form.appendChild(input);
  });
  form.querySelectorAll("button").forEach((b) => { b.disabled = chosen.length === 0; });
}

function setUpLists(root) {
  root.querySelectorAll("[data-columns]").forEach((card) => {
    applyColumns(card);
    updateSelection(card);
  });
}

document.addEventListener("change", (event) => {
  const card = event.target.closest("[data-columns]");
  if (!card) return;
  if (event.target.classList.contains("dd-column-toggle")) {
    const hidden = [...card.querySelectorAll(".dd-column-toggle")].filter((b) => !b.checked).map((b) => b.value);
    localStorage.setItem("dd-hidden-" + card.dataset.columns, JSON.stringify(hidden));
    applyColumns(card);
  } else if (event.target.classList.contains("dd-select-all")) {
    card.querySelectorAll(".dd-select").forEach((box) => { box.checked = event.target.checked; });
    updateSelection(card);
  } else if (event.target.classList.contains("dd-select")) {
    updateSelection(card);
  }
});

document.addEventListener("DOMContentLoaded", () => setUpLists(document));
document.addEventListener("htmx:afterSwap", (event) => setUpLists(event.target));

// Open the tab named in the address (#tab-resume …), so links from reports land on the part to
// fix; and keep the address in step when the user switches tabs.
function showTabFromHash() {
  if (!location.hash.startsWith("#tab-") || !window.bootstrap) return;
  const trigger = document.querySelector(`[data-bs-toggle="tab"][href="${CSS.escape(location.hash)}"]`);
  if (trigger) window.bootstrap.Tab.getOrCreateInstance(trigger).show();
}
document.addEventListener("DOMContentLoaded", showTabFromHash);
window.addEventListener("hashchange", showTabFromHash);
document.addEventListener("shown.bs.tab", (event) => {
  const href = event.target.getAttribute("href");
  if (href && href.startsWith("#tab-")) history.replaceState(null, "", href);
});

// A list's export writes the columns it shows: each export form inside a list card carries the
// columns hidden with 显示列 (the server ignores unknown names).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const card = form.closest("[data-columns]");
  if (!card || !form.action.includes("export")) return;
  form.querySelectorAll("input[name=hidden_cols]").forEach((input) => input.remove());
  hiddenColumns(card).forEach((key) => {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = "hidden_cols"; input.value = key;
    form.appendChild(input);
  });
}, true);

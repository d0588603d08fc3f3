// Progressive enhancement only: every page works without this file.
// Reveals the copy buttons and copies the value next to them; clicking a digest selects all of it.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.copy")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const value = button.dataset.copy;
      try {
        await navigator.clipboard.writeText(value);
      } catch (e) {
        const input = button.parentElement.querySelector("input");
        if (input) { input.focus(); input.select(); document.execCommand("copy"); }
      }
      const label = button.textContent;
      button.textContent = "Copied";
      button.classList.add("done");
      setTimeout(() => { button.textContent = label; button.classList.remove("done"); }, 1200);
    });
  }
  for (const input of document.querySelectorAll(".digest-value, .copyable input")) {
    input.addEventListener("focus", () => input.select());
  }
});

// The Run form's pre-flight follows the requests typed into it: the same API the page was rendered from is asked
// again (debounced) and each node's verdict and reasons are replaced. Without JavaScript the verdicts are those
// for the requests of the last submission.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-preflight]");
  if (!form) return;
  const words = { ready: "ready to run", wait: "will wait", cannot: "cannot run" };
  let timer = null;
  async function update() {
    const params = new URLSearchParams();
    for (const name of ["cpuRequest", "memoryRequest"]) {
      const value = form.elements[name] ? form.elements[name].value.trim() : "";
      if (value) params.set(name, value);
    }
    let doc;
    try {
      const res = await fetch(form.dataset.preflight + "?" + params, { headers: { "Accept": "application/json" } });
      if (!res.ok) return; // a bad quantity: the server names it next to its field on submit
      doc = await res.json();
    } catch (e) {
      return;
    }
    for (const node of doc.nodes) {
      const label = form.querySelector("label[data-node='" + CSS.escape(node.name) + "']");
      if (!label) continue;
      label.dataset.verdict = node.verdict;
      label.classList.remove("verdict-ready", "verdict-wait", "verdict-cannot");
      label.classList.add("verdict-" + node.verdict);
      label.classList.toggle("disabled", !node.selectable);
      const verdict = label.querySelector("span.verdict");
      if (verdict) {
        verdict.className = "verdict verdict-" + node.verdict;
        verdict.textContent = words[node.verdict] || node.verdict;
      }
      const radio = label.querySelector("input[type=radio]");
      if (radio) {
        radio.disabled = !node.selectable;
        if (!node.selectable) radio.checked = false;
      }
      const list = label.querySelector("ul.reasons");
      if (list) {
        list.replaceChildren(...node.reasons.map((r) => { const li = document.createElement("li"); li.textContent = r; return li; }));
      }
    }
  }
  for (const name of ["cpuRequest", "memoryRequest"]) {
    const input = form.elements[name];
    if (input) input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(update, 400); });
  }
});

// Timestamps read relative ("3 days ago") with the absolute UTC time on hover; without JavaScript the absolute
// time the server wrote stays. Refreshed every minute so a page left open stays right.
document.addEventListener("DOMContentLoaded", () => {
  const units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  function relative(date) {
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
    }
    return Math.abs(seconds) < 10 ? "just now" : format.format(seconds, "second");
  }
  function update(root) {
    for (const el of root.querySelectorAll("time[datetime]")) {
      const date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) continue;
      if (!el.dataset.absolute) {
        el.dataset.absolute = date.toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC").replace(/\.\d+Z$/, " UTC");
        el.title = el.dataset.absolute;
      }
      el.textContent = relative(date);
    }
  }
  update(document);
  setInterval(() => update(document), 60000);
  // lists that replace their rows (runs.js) announce it with this event
  document.addEventListener("catalog:updated", (e) => update(e.target));
});

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

// The Run form's pre-flight follows the requests typed into it without a server call per keystroke: the pre-flight
// answer (GET …/nodes) gives each node's allocatable CPU and memory and what its pods already request, and the fit is
// judged here the way runner/Capacity.java judges it on the server (same rules, same sentences: keep the two in
// step). The answer is fetched on the first edit and again when it is older than REFETCH_MS. Without JavaScript the
// verdicts are those for the requests of the last submission.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-preflight]");
  if (!form) return;
  const words = { ready: "ready to run", wait: "will wait", cannot: "cannot run" };
  const WAITS = "the run would stay Pending until other pods on the node finish";
  const REFETCH_MS = 30000;
  const RETRY_MS = 5000;
  const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
  const BINARY = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
  const DECIMAL = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const KI = 1n << 10n, MI = 1n << 20n, GI = 1n << 30n;
  let answer = null;
  let nextFetch = 0;
  let inFlight = null;

  // A Kubernetes quantity as an exact fraction [numerator, denominator]; null when it is not one (the server then
  // names the field on submit).
  function quantity(text) {
    const m = QUANTITY.exec(text);
    if (!m || text.length > 64) return null;
    const [whole, fraction = ""] = m[1].split(".");
    let num = BigInt((whole || "0") + fraction);
    let den = 10n ** BigInt(fraction.length);
    let exponent = 0;
    if (m[2] && m[2] in BINARY) num <<= BINARY[m[2]];
    else if (m[2] && m[2] in DECIMAL) exponent = DECIMAL[m[2]];
    else if (m[2]) {
      exponent = parseInt(m[2].slice(1), 10);
      if (!(Math.abs(exponent) <= 30)) return null;
    }
    if (exponent >= 0) num *= 10n ** BigInt(exponent); else den *= 10n ** BigInt(-exponent);
    return [num, den];
  }
  // rounded up, as the scheduler counts: millicores and bytes
  const ceil = (num, den) => (num + den - 1n) / den;
  const milliCpu = (q) => ceil(q[0] * 1000n, q[1]);
  const bytes = (q) => ceil(q[0], q[1]);
  const positive = (n) => (n < 0n ? 0n : n);
  const cpu = (milli) => (milli % 1000n === 0n ? String(milli / 1000n) : milli + "m");
  function memory(b) {
    if (b >= GI) {
      const tenths = (b * 10n) / GI;
      return tenths % 10n === 0n ? tenths / 10n + "Gi" : tenths / 10n + "." + (tenths % 10n) + "Gi";
    }
    if (b >= MI) return b / MI + "Mi";
    if (b >= KI) return b / KI + "Ki";
    return String(b);
  }
  function needs(c, m, availableCpu, availableMemory) {
    const parts = [];
    if (c > availableCpu) parts.push(cpu(c) + " CPU, " + cpu(availableCpu) + " CPU");
    if (m > availableMemory) parts.push(memory(m) + ", " + memory(availableMemory));
    return parts.join(" and ");
  }

  // The node's verdict and reasons for these requests, from the answer's figures (Capacity.fit, Preflight.choice).
  function judge(node, cpuText, memoryText, c, m) {
    const cap = node.capacity;
    const allocatableCpu = BigInt(cap.allocatableMilliCpu);
    const allocatableMemory = BigInt(cap.allocatableMemory);
    let fits = null;
    let everFits = true;
    let message;
    if (c > allocatableCpu || m > allocatableMemory) {
      fits = false;
      everFits = false;
      message = "never fits: needs " + needs(c, m, allocatableCpu, allocatableMemory) + " allocatable on the whole node";
    } else if (cap.requestedMilliCpu == null || cap.requestedMemory == null) {
      message = "free capacity unknown: the pods on the node cannot be read";
    } else {
      const freeCpu = positive(allocatableCpu - BigInt(cap.requestedMilliCpu));
      const freeMemory = positive(allocatableMemory - BigInt(cap.requestedMemory));
      if (c > freeCpu || m > freeMemory) {
        fits = false;
        message = "does not fit: needs " + needs(c, m, freeCpu, freeMemory) + " free";
      } else {
        fits = true;
        const free = cpu(freeCpu) + " CPU, " + memory(freeMemory) + " memory free)";
        message = !cpuText && !memoryText ? "fits (the run requests no CPU or memory; " + free : "fits (" + free;
      }
    }
    const verdict = cap.blocked || !everFits ? "cannot" : fits === false ? "wait" : "ready";
    // the answer's own capacity sentence (and its "would stay Pending" after it) make way for the new ones
    const after = cap.reason + 1 + (node.verdict === "wait" ? 1 : 0);
    const reasons = [...node.reasons.slice(0, cap.reason), message, ...(verdict === "wait" ? [WAITS] : []),
      ...node.reasons.slice(after)];
    return { verdict, reasons, selectable: verdict !== "cannot" };
  }

  function show(name, judged) {
    const label = form.querySelector("label[data-node='" + CSS.escape(name) + "']");
    if (!label) return;
    label.dataset.verdict = judged.verdict;
    label.classList.remove("verdict-ready", "verdict-wait", "verdict-cannot");
    label.classList.add("verdict-" + judged.verdict);
    label.classList.toggle("disabled", !judged.selectable);
    const verdict = label.querySelector("span.verdict");
    if (verdict) {
      verdict.className = "verdict verdict-" + judged.verdict;
      verdict.textContent = words[judged.verdict] || judged.verdict;
    }
    const radio = label.querySelector("input[type=radio]");
    if (radio) {
      radio.disabled = !judged.selectable;
      if (!judged.selectable) radio.checked = false;
    }
    const list = label.querySelector("ul.reasons");
    if (list) {
      list.replaceChildren(...judged.reasons.map((r) => { const li = document.createElement("li"); li.textContent = r; return li; }));
    }
  }

  // Which node to check and why, the way web/runs/Preselection.java and runner/Preflight.java (BEST_FIRST) decide it:
  // among the nodes ready now that are neither tainted nor a control plane, the cached, the smaller download, the
  // more free memory, the name. Same sentences as the server's: keep the two in step.
  const note = document.getElementById("preselection");
  let userChoice = note && note.dataset.choice === "user"
    ? (form.querySelector("input[name=node]:checked") || {}).value || null : null;
  const freeMemory = (node) => (node.capacity && node.capacity.requestedMemory != null
    ? Math.max(0, node.capacity.allocatableMemory - node.capacity.requestedMemory) : -1);
  const pull = (node) => (node.pullBytes == null ? Infinity : node.pullBytes);
  function size(n) {
    if (n < 1024) return n + " B";
    const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    let v = n / 1024, u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return v.toFixed(1) + " " + units[u];
  }
  function because(candidates, best) {
    const b = best.node;
    let why;
    if (b.cached && candidates.some((c) => !c.node.cached)) why = "the image is already cached there";
    else if (b.pullBytes != null && candidates.some((c) => c.node.pullBytes != null && c.node.pullBytes > b.pullBytes)) {
      why = "the smallest download (≈ " + size(b.pullBytes) + ")";
    } else if (freeMemory(b) >= 0 && candidates.some((c) => freeMemory(c.node) < freeMemory(b))) {
      why = "the most free memory (" + memory(BigInt(freeMemory(b))) + ")";
    } else if (candidates.length === 1) why = "the only ready node that is neither tainted nor a control plane";
    else why = "the first by name of " + candidates.length + " equally suited nodes";
    return "ready to run; " + why;
  }
  function say(name, text) {
    if (!note) return;
    note.hidden = false;
    if (!name) { note.textContent = text.charAt(0).toUpperCase() + text.slice(1) + "."; return; }
    const code = document.createElement("code");
    code.textContent = name;
    if (text === "your choice") note.replaceChildren(code, document.createTextNode(": your choice."));
    else note.replaceChildren(document.createTextNode("Preselected "), code, document.createTextNode(": " + text + "."));
  }
  const radio = (name) => form.querySelector("input[name=node][value='" + CSS.escape(name) + "']");
  // After the verdicts change: the user's own choice while it can run, else the best node now (a node unchecked
  // because a request did not fit it is replaced, and the user's choice comes back once it fits again).
  function preselect(judged) {
    if (userChoice) {
      const mine = judged.find((j) => j.node.name === userChoice);
      if (mine && mine.judged.selectable && radio(userChoice)) {
        radio(userChoice).checked = true;
        say(userChoice, "your choice");
        return;
      }
    }
    const candidates = judged.filter((j) => j.judged.verdict === "ready" && !j.node.tainted
      && !(j.node.roles || []).some((r) => r === "control-plane" || r === "master"));
    candidates.sort((a, b) => (b.node.cached - a.node.cached) || (pull(a.node) - pull(b.node))
      || (freeMemory(b.node) - freeMemory(a.node)) || (a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0));
    const checked = form.querySelector("input[name=node]:checked");
    if (!candidates.length) {
      if (checked) checked.checked = false;
      say(null, judged.some((j) => j.judged.selectable)
        ? "no node is preselected: none is ready to run and free of taints and the control-plane role; choose one below"
        : "no node is preselected: none can run this image now");
      return;
    }
    const best = candidates[0];
    if (radio(best.node.name)) radio(best.node.name).checked = true;
    say(best.node.name, because(candidates, best));
  }
  form.addEventListener("change", (event) => {
    if (event.target.name === "node" && event.target.checked) {
      userChoice = event.target.value;
      say(userChoice, "your choice");
    }
  });

  function update() {
    if (!answer) return;
    const cpuText = form.elements.cpuRequest ? form.elements.cpuRequest.value.trim() : "";
    const memoryText = form.elements.memoryRequest ? form.elements.memoryRequest.value.trim() : "";
    const c = cpuText ? quantity(cpuText) : [0n, 1n];
    const m = memoryText ? quantity(memoryText) : [0n, 1n];
    if (!c || !m) return; // not a quantity: the server names it next to its field on submit
    const judged = [];
    for (const node of answer.nodes) {
      // without figures (no platform, not runnable, no allocatable) the requests change nothing
      const j = node.capacity ? judge(node, cpuText, memoryText, milliCpu(c), bytes(m))
        : { verdict: node.verdict, reasons: node.reasons, selectable: node.selectable };
      show(node.name, j);
      judged.push({ node, judged: j });
    }
    preselect(judged);
  }

  // One call at a time; the server keeps its figures for a few seconds and shares them between viewers.
  function refresh() {
    if (inFlight || Date.now() < nextFetch) return;
    // a failed call is tried again after RETRY_MS, not on the next keystroke
    nextFetch = Date.now() + RETRY_MS;
    inFlight = fetch(form.dataset.preflight, { headers: { "Accept": "application/json" } })
      .then((res) => (res.ok ? res.json() : null))
      .then((doc) => { if (doc) { answer = doc; nextFetch = Date.now() + REFETCH_MS; update(); } })
      .catch(() => {})
      .finally(() => { inFlight = null; });
  }

  for (const name of ["cpuRequest", "memoryRequest"]) {
    const input = form.elements[name];
    if (input) input.addEventListener("input", () => { update(); refresh(); });
  }
});

// Timestamps read relative ("3 days ago") up to four weeks, then as month and year ("Mar 2025": "2 years ago" on
// every row tells nothing apart), with the absolute UTC time on hover — the rule of Formats.when on the server.
// Refreshed every minute so a page left open stays right.
document.addEventListener("DOMContentLoaded", () => {
  const units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  const RELATIVE_UP_TO = 28 * 86400;
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const month = new Intl.DateTimeFormat("en", { month: "short", year: "numeric", timeZone: "UTC" });
  function relative(date) {
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    if (-seconds >= RELATIVE_UP_TO || seconds >= 60) return month.format(date);
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
    }
    return "just now";
  }
  function update(root) {
    for (const el of root.querySelectorAll("time[datetime]")) {
      const date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) continue;
      if (!el.dataset.absolute) {
        el.dataset.absolute = el.title || date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
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

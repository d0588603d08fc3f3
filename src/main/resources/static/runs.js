// Progressive enhancement of a run page: the page works without this file (it then reloads itself every 5s).
// Follows the log with server-sent events and refreshes the status from the JSON API.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("run");
  if (!root) return;
  const name = root.dataset.run;
  const log = document.getElementById("log");
  const logStatus = document.getElementById("log-status");
  const set = (id, text) => { const el = document.getElementById(id); if (el) el.textContent = text; };
  let source = null;
  let following = false;
  // set once the log has really ended (container terminated): no reconnect after that
  let ended = false;
  const baseStatus = logStatus.textContent;

  function follow() {
    if (following || ended) return;
    following = true;
    // the stream starts with the tail the page shows already: start empty to avoid doubling it
    let first = true;
    source = new EventSource("/api/runs/" + encodeURIComponent(name) + "/logs?follow=true&tail=" + 200);
    source.onmessage = (event) => {
      if (first) { log.textContent = ""; first = false; }
      log.textContent += event.data + "\n";
      log.scrollTop = log.scrollHeight;
    };
    source.addEventListener("notice", (event) => { logStatus.textContent = baseStatus + " · " + event.data; });
    source.addEventListener("end", (event) => {
      source.close();
      following = false;
      // "waiting": the container had not started; the status refresh follows again once it runs
      if (event.data !== "waiting") {
        ended = true;
        logStatus.textContent = baseStatus + " · log ended";
      }
    });
    source.onerror = () => { source.close(); following = false; };
  }

  // The headline as the server wrote it: the sentence with its time (relative, exact on hover) and the fix, if any.
  function showHeadline(h) {
    const box = document.getElementById("run-headline");
    const text = document.getElementById("run-headline-text");
    if (!box || !text || !h) return;
    // unchanged: leave the live region alone (replacing its nodes would have screen readers repeat it every poll)
    if (box.dataset.sentence === h.text && box.dataset.fix === (h.fix || "")) return;
    box.dataset.sentence = h.text;
    box.dataset.fix = h.fix || "";
    box.className = "run-headline run-headline-" + h.tone;
    const parts = [document.createTextNode(h.lead)];
    if (h.since) {
      const time = document.createElement("time");
      time.id = "run-since";
      time.setAttribute("datetime", h.since);
      time.textContent = h.since;
      parts.push(document.createTextNode(" "), time);
    }
    parts.push(document.createTextNode(h.rest || ""));
    text.replaceChildren(...parts);
    const fix = document.getElementById("run-fix");
    if (fix) {
      fix.hidden = !h.fix;
      set("run-fix-text", h.fix || "");
    }
    // the relative-time script (catalog.js) rewrites the new <time>
    text.dispatchEvent(new CustomEvent("catalog:updated", { bubbles: true }));
  }

  async function refresh() {
    try {
      const res = await fetch("/api/runs/" + encodeURIComponent(name), { headers: { "Accept": "application/json" } });
      if (!res.ok) { set("run-phase", res.status === 404 ? "Deleted" : "Unknown"); return false; }
      const run = await res.json();
      set("run-phase", run.phase || "");
      set("run-phase-text", run.phase || "");
      set("run-state", run.state ? run.state + (run.reason ? " (" + run.reason + ")" : "") : (run.reason || "not started"));
      set("run-message", run.message || "—");
      set("run-exit", run.exitCode === null ? "—" : String(run.exitCode));
      set("run-restarts", String(run.restarts));
      showHeadline(run.headline);
      if (run.state === "running" || run.state === "terminated") follow();
      return !run.done;
    } catch (e) {
      return true;
    }
  }

  const tick = async () => { if (await refresh()) setTimeout(tick, 3000); };
  // the log is followed once the container exists (running or terminated); refresh() starts it
  tick();
});

// Stop asks first. Without JavaScript the server answers a confirmation page; here the browser's confirm() asks and
// the form says it was confirmed, so the stop happens at once.
document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.classList || !form.classList.contains("stop-form")) return;
    if (!window.confirm("Stop run " + form.dataset.run + "? Its pod is deleted; this cannot be undone.")) {
      event.preventDefault();
      return;
    }
    if (!form.querySelector("input[name=confirm]")) {
      const confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirm";
      confirmed.value = "yes";
      form.appendChild(confirmed);
    }
  });
});

// The runs list keeps itself current without a reload: the server pushes "changed" (one shared watch per replica)
// and the list is read again with this user's rights; if the stream fails, it polls every 5 s instead.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("runs-list");
  if (!list) return;
  const live = document.getElementById("runs-live");
  let pending = null;
  let polling = null;

  async function reload() {
    pending = null;
    try {
      const res = await fetch(window.location.href, { headers: { "Accept": "text/html" } });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const fresh = doc.getElementById("runs-list");
      if (fresh) {
        list.innerHTML = fresh.innerHTML;
        list.dispatchEvent(new CustomEvent("catalog:updated", { bubbles: true }));
      }
      const count = doc.getElementById("runs-count");
      const here = document.getElementById("runs-count");
      if (count && here) here.textContent = count.textContent;
    } catch (e) {
      // offline for a moment: the next change or poll tries again
    }
  }
  const soon = () => { if (!pending) pending = setTimeout(reload, 300); };
  function poll() {
    if (polling) return;
    polling = setInterval(reload, 5000);
    if (live) live.textContent = "This list refreshes every 5 s.";
  }
  if (!window.EventSource) { poll(); return; }
  const source = new EventSource("/api/runs?watch=true");
  source.addEventListener("watching", () => { if (live) live.textContent = "This list updates live."; });
  source.addEventListener("changed", soon);
  source.onerror = () => {
    // EventSource reconnects by itself after a closed stream; a refused one (401/403/5xx) ends in CLOSED
    if (source.readyState === EventSource.CLOSED) poll();
  };
});

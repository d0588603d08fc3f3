// Progressive enhancement: tells an open page that the registry changed ("2 new tags — refresh").
// Listens to the index's server-sent changes (/api/changes); the page itself never reloads on its own.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("changes");
  if (!box || !window.EventSource) { return; }
  const repository = box.dataset.repository || "";
  const url = "/api/changes" + (repository ? "?repository=" + encodeURIComponent(repository) : "");
  const added = new Set();
  const changed = new Set();
  let repositories = 0;
  const text = document.getElementById("changes-text");
  const render = () => {
    const parts = [];
    if (repositories > 0) { parts.push(repositories + (repositories === 1 ? " new repository" : " new repositories")); }
    if (added.size > 0) { parts.push(added.size + (added.size === 1 ? " new tag" : " new tags")); }
    if (changed.size > 0) { parts.push(changed.size + (changed.size === 1 ? " tag changed" : " tags changed")); }
    if (parts.length === 0) { return; }
    text.textContent = parts.join(", ") + " —";
    box.hidden = false;
  };
  // EventSource reconnects by itself when a stream ends normally, but gives up for good on an error answer (the
  // server's 429/503 when too many streams are open): then listen again later, waiting longer each time
  let wait = 30000;
  const listen = () => {
    const source = new EventSource(url);
    source.addEventListener("ready", () => {
      document.body.dataset.changesReady = "true";
      delete document.body.dataset.changesRetry;
      wait = 30000;
    });
    source.addEventListener("change", (event) => {
      const change = JSON.parse(event.data);
      if (change.created) { repositories++; }
      for (const tag of change.added) { added.add(change.repository + ":" + tag); }
      for (const tag of change.changed) { changed.add(change.repository + ":" + tag); }
      render();
    });
    source.addEventListener("error", () => {
      if (source.readyState !== EventSource.CLOSED) { return; }
      delete document.body.dataset.changesReady;
      const delay = wait + Math.random() * wait;
      document.body.dataset.changesRetry = String(Math.round(delay));
      window.setTimeout(listen, delay);
      wait = Math.min(wait * 2, 300000);
    });
  };
  listen();
  document.getElementById("changes-refresh").addEventListener("click", (event) => {
    event.preventDefault();
    window.location.reload();
  });
});

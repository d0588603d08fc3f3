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
  const source = new EventSource(url);
  source.addEventListener("ready", () => { document.body.dataset.changesReady = "true"; });
  source.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    if (change.created) { repositories++; }
    for (const tag of change.added) { added.add(change.repository + ":" + tag); }
    for (const tag of change.changed) { changed.add(change.repository + ":" + tag); }
    render();
  });
  document.getElementById("changes-refresh").addEventListener("click", (event) => {
    event.preventDefault();
    window.location.reload();
  });
});

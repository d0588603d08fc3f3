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

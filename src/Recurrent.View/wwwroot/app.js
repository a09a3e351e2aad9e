// Tabs, the error banner and the JSON API helper shared by the three views.
"use strict";
const App = (() => {
  const banner = document.getElementById("banner");
  function show(message, info) {
    if (!message) { banner.classList.add("hidden"); return; }
    banner.textContent = message; banner.classList.toggle("info", !!info); banner.classList.remove("hidden");
  }
  async function api(path, body) {
    let response;
    try {
      response = await fetch(path, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    } catch (e) { throw new Error("The view's server does not answer (" + e.message + "); is `recurrent view` still running?"); }
    let json = null;
    try { json = await response.json(); } catch (e) { /* not JSON */ }
    if (!response.ok) throw new Error((json && json.error) || ("HTTP " + response.status + " for " + path));
    return json;
  }
  const views = {};
  function select(name) {
    document.querySelectorAll(".tab").forEach(t => t.classList.toggle("active", t.dataset.view === name));
    document.querySelectorAll(".view").forEach(v => v.classList.toggle("hidden", v.id !== "view-" + name));
    show(null);
    if (location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
    if (views[name]) views[name]();
  }
  document.querySelectorAll(".tab").forEach(t => t.addEventListener("click", () => select(t.dataset.view)));
  let models = null;
  async function listModels() {
    if (!models) models = (await api("/api/models")).models;
    return models;
  }
  function usable(list) { return list.filter(m => m.kind === "char-lm" && !m.error); }
  function label(m) { return m.id + (m.cell ? "  (" + m.cell + " " + m.layers + "×" + m.hidden + ")" : ""); }
  window.addEventListener("DOMContentLoaded", () => select((location.hash || "#runs").slice(1)));
  return { api, show, views, select, listModels, usable, label };
})();

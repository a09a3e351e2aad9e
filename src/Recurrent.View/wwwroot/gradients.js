// Gradient flow: ‖∂L/∂h[t]‖ against the distance from the loss, for the chosen model files, one line each.
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  let last = null;
  async function init() {
    $("grad-text").value = $("grad-text").value || "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\nFirst Citizen:\nYou are all resolved rather to die than to famish?\n";
    try {
      const ok = App.usable(await App.listModels()), box = $("grad-models");
      box.innerHTML = "";
      if (!ok.length) App.show("No char-LM model to measure: pass --model FILE or put runs with best.safetensors under --runs.");
      const cells = new Set();  // tick the first model of each cell, to compare cells
      ok.forEach(m => {
        const first = !cells.has(m.cell) && cells.size < 4; cells.add(m.cell);
        const l = document.createElement("label"); l.className = "small";
        l.innerHTML = "<input type='checkbox' value='" + m.id.replace(/'/g, "&#39;") + "'" + (first ? " checked" : "") + "> ";
        l.append(App.label(m)); box.append(l);
      });
      const layers = Math.max(1, ...ok.map(m => m.layers));
      $("grad-layer").innerHTML = ""; for (let k = 0; k < layers; k++) $("grad-layer").add(new Option("layer " + k, k));
    } catch (e) { App.show(e.message); }
  }
  async function measure() {
    App.show(null);
    const models = [...document.querySelectorAll("#grad-models input:checked")].map(b => b.value);
    $("grad-run").disabled = true;
    try {
      last = await App.api("/api/gradients", { models, text: $("grad-text").value });
      $("grad-note").textContent = last.note || "";
      draw();
    } catch (e) { App.show(e.message); }
    $("grad-run").disabled = false;
  }
  function draw() {
    if (!last) return;
    const k = +$("grad-layer").value;
    const series = last.series.filter(s => s.norms.length > k).map(s => ({ label: s.model + " (" + s.cell + " " + s.hidden + ")", points: s.norms[k].map((v, d) => [d, v]) }));
    Plot.lines($("plot-grad"), series, { xLabel: "distance from the loss, T − 1 − t (characters)", yLabel: "‖∂L/∂h[t]‖, layer " + k, logY: $("grad-log").checked });
  }
  $("grad-run").addEventListener("click", measure);
  $("grad-log").addEventListener("change", draw);
  $("grad-layer").addEventListener("change", draw);
  let started = false;
  App.views.gradients = () => { if (!started) { started = true; init(); } };
})();

// Inside a sequence: per character the model's top predictions, a heat map of one layer's units of one kind
// (h, c or a gate) over the text, and the search for the units that track a marked pattern.
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const example = "ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east, and Juliet is the sun.\n\nJULIET:\nO Romeo, Romeo! wherefore art thou Romeo?\n";
  const state = { models: [], result: null, units: null, marks: null, selected: -1 };
  async function init() {
    $("seq-text").value = $("seq-text").value || example;
    try {
      const all = await App.listModels(), ok = App.usable(all);
      state.models = ok;
      $("seq-model").innerHTML = "";
      ok.forEach(m => $("seq-model").add(new Option(App.label(m), m.id)));
      const bad = all.filter(m => m.error);
      if (!ok.length) App.show("No char-LM model to look inside" + (bad.length ? ": " + bad.map(m => m.id + ": " + m.error).join("; ") : "; pass --model FILE or put a run's best.safetensors under --runs.") );
      else if (bad.length) App.show("Some model files cannot be used: " + bad.map(m => m.id + ": " + m.error).join("; "), true);
      const pats = (await App.api("/api/patterns")).patterns;
      $("seq-pattern").innerHTML = ""; pats.forEach(p => $("seq-pattern").add(new Option(p, p)));
      modelChanged();
    } catch (e) { App.show(e.message); }
    try {
      const runs = (await App.api("/api/runs")).runs.filter(r => r.options && r.options.Corpus);
      runs.forEach(r => $("seq-source").add(new Option(r.name + ": " + r.options.Corpus, r.name)));
    } catch (e) { /* no runs folder: the Runs view says so */ }
  }
  async function source() {
    const name = $("seq-source").value;
    if (!name) return;
    try { $("seq-text").value = (await App.api("/api/runs/" + encodeURI(name) + "/text")).text; run(); } catch (e) { App.show(e.message); }
  }
  function modelChanged() {
    const m = state.models.find(x => x.id === $("seq-model").value);
    if (!m) return;
    $("seq-model-info").textContent = m.cell + ", " + m.layers + " layer(s) of " + m.hidden + " units, V = " + m.vocabulary;
    $("seq-layer").innerHTML = ""; for (let k = 0; k < m.layers; k++) $("seq-layer").add(new Option("layer " + k, k));
    $("seq-kind").innerHTML = ""; m.states.concat(m.gates).forEach(k => $("seq-kind").add(new Option(kindName(k), k)));
    $("seq-units").value = Math.min(64, m.hidden); state.units = null;
  }
  function kindName(k) {
    return { h: "h (hidden state)", c: "c (cell state)", i: "i (input gate)", f: "f (forget gate)", g: "g (candidate)", o: "o (output gate)", r: "r (reset gate)", z: "z (update gate)", n: "n (candidate)" }[k] || k;
  }
  function request() {
    return { model: $("seq-model").value, text: $("seq-text").value, layer: +$("seq-layer").value, kind: $("seq-kind").value };
  }
  async function run() {
    App.show(null); $("seq-run").disabled = true;
    try {
      state.result = await App.api("/api/activations", Object.assign(request(), { top: 5 }));
      $("seq-note").textContent = state.result.note || (state.result.text.length + " characters");
      if (state.result.note) App.show(state.result.note, true);
      renderChars(); renderHeat();
    } catch (e) { App.show(e.message); }
    $("seq-run").disabled = false;
  }
  function shown(ch) { return ch === "\n" ? "⏎" : ch === " " ? "␣" : ch; }
  function renderChars() {
    const box = $("seq-chars"); box.innerHTML = "";
    state.result.steps.forEach((s, t) => {
      const span = document.createElement("span"); span.dataset.t = t;
      span.textContent = s.char === "\n" ? "⏎\n" : s.char;
      if (s.next != null) span.style.background = "rgba(46,125,50," + (0.08 + 0.55 * s.next).toFixed(3) + ")";
      if (state.marks && state.marks[t] > 0 && state.markKind !== "line position") span.classList.add("marked");
      span.addEventListener("mouseenter", () => top(t)); span.addEventListener("click", () => top(t, true));
      box.append(span);
    });
    top(state.selected >= 0 && state.selected < state.result.steps.length ? state.selected : 0, true);
  }
  function top(t, select) {
    const s = state.result.steps[t];
    if (select) { state.selected = t; document.querySelectorAll("#seq-chars span.sel").forEach(e => e.classList.remove("sel")); $("seq-chars").children[t].classList.add("sel"); }
    $("seq-top").textContent = "after " + JSON.stringify(s.char) + " (position " + t + "): " +
      s.top.map(p => JSON.stringify(p.char) + " " + p.p.toFixed(4)).join("   ") + (s.next != null ? "    | actual next p = " + s.next.toFixed(4) : "");
    $("seq-top").dataset.t = t;
  }
  function color(v, kind) {
    if (kind !== "h" && kind !== "c" && kind !== "g" && kind !== "n") { // gates in [0, 1]: white to orange
      const a = Math.max(0, Math.min(1, v)); return "rgb(" + Math.round(255 - 10 * a) + "," + Math.round(255 - 131 * a) + "," + Math.round(255 - 255 * a) + ")";
    }
    const a = Math.max(-1, Math.min(1, kind === "c" ? Math.tanh(v) : v));  // blue (−1) white (0) red (+1)
    return a >= 0 ? "rgb(255," + Math.round(255 - 200 * a) + "," + Math.round(255 - 200 * a) + ")" : "rgb(" + Math.round(255 + 200 * a) + "," + Math.round(255 + 170 * a) + ",255)";
  }
  function renderHeat() {
    const r = state.result, svg = $("heat"), cw = 9, ch = 9, left = 46, topPad = 14;
    const count = Math.max(1, Math.min(r.hidden, +$("seq-units").value || 64));
    const units = (state.units || [...Array(r.hidden).keys()]).slice(0, count);
    const T = r.steps.length, W = left + T * cw, H = topPad + units.length * ch;
    const parts = [];
    units.forEach((u, row) => {
      parts.push("<text x='" + (left - 4) + "' y='" + (topPad + row * ch + 8) + "' font-size='8' text-anchor='end' fill='#6b7280'>" + u + "</text>");
      for (let t = 0; t < T; t++) {
        const v = r.values[t][u];
        parts.push("<rect class='cell' x='" + (left + t * cw) + "' y='" + (topPad + row * ch) + "' width='" + cw + "' height='" + ch + "' fill='" + color(v, r.kind) + "'><title>unit " + u + ", " + shown(r.steps[t].char) + " @" + t + ": " + v.toFixed(4) + "</title></rect>");
      }
    });
    for (let t = 0; t < T; t++) parts.push("<text x='" + (left + t * cw + cw / 2) + "' y='10' font-size='8' text-anchor='middle' font-family='monospace'>" + esc(shown(r.steps[t].char)) + "</text>");
    svg.setAttribute("width", W); svg.setAttribute("height", H); svg.innerHTML = parts.join("");
    svg.dataset.cells = String(units.length * T); svg.dataset.units = String(units.length); svg.dataset.steps = String(T);
    $("heat-caption").textContent = "layer " + r.layer + ", " + kindName(r.kind) + ": " + units.length + " units × " + T + " characters" + (state.units ? " (units ranked by the search)" : "");
  }
  function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  async function search() {
    App.show(null);
    try {
      const s = await App.api("/api/search", Object.assign(request(), { pattern: $("seq-pattern").value, top: Math.max(10, +$("seq-units").value || 10) }));
      if (s.note) App.show(s.note, true);
      state.marks = s.marks; state.markKind = s.pattern;
      const box = $("seq-matches"); box.innerHTML = "";
      s.matches.slice(0, 12).forEach(m => {
        const d = document.createElement("div"); d.className = "match";
        d.innerHTML = "<span>unit " + m.unit + "</span><span>r = " + m.r.toFixed(3) + "</span>";
        d.addEventListener("click", () => { state.units = [m.unit].concat(s.matches.map(x => x.unit).filter(u => u !== m.unit)); if (state.result) renderHeat(); });
        box.append(d);
      });
      state.units = s.matches.map(m => m.unit);
      if (!state.result || state.result.text !== s.text || state.result.layer !== s.layer || state.result.kind !== s.kind) await run(); else { renderChars(); renderHeat(); }
    } catch (e) { App.show(e.message); }
  }
  $("seq-model").addEventListener("change", modelChanged);
  $("seq-run").addEventListener("click", run);
  $("seq-source").addEventListener("change", source);
  $("seq-search").addEventListener("click", search);
  ["seq-layer", "seq-kind"].forEach(id => $(id).addEventListener("change", () => { state.units = null; if (state.result) run(); }));
  $("seq-units").addEventListener("change", () => state.result && renderHeat());
  let started = false;
  App.views.sequence = () => { if (!started) { started = true; init(); } };
})();

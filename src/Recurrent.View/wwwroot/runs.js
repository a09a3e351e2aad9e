// Runs: every run's loss against step and against time, polled live, and the samples of the chosen run.
"use strict";
(() => {
  const state = { runs: [], chosen: new Set(), data: {}, next: {}, timer: null, focus: null };
  const list = document.getElementById("run-list");
  async function load() {
    try {
      const r = await App.api("/api/runs");
      document.getElementById("runs-dir").textContent = r.runsDirectory;
      state.runs = r.runs;
      if (state.chosen.size === 0 && r.runs.length) { state.chosen.add(r.runs[0].name); state.focus = r.runs[0].name; }
      render();
      if (!r.runs.length) App.show("No runs under " + r.runsDirectory + " yet: a run is a folder with a metrics.jsonl (recurrent charlm train --out DIR).", true);
      await poll();
    } catch (e) { App.show(e.message); list.textContent = ""; }
    schedule();
  }
  function render() {
    list.innerHTML = "";
    state.runs.forEach((run, i) => {
      const row = document.createElement("div"); row.className = "run"; row.dataset.run = run.name;
      const box = document.createElement("input"); box.type = "checkbox"; box.checked = state.chosen.has(run.name);
      box.addEventListener("change", () => { box.checked ? state.chosen.add(run.name) : state.chosen.delete(run.name); poll(); });
      const sw = document.createElement("span"); sw.className = "swatch"; sw.style.background = Plot.palette[i % Plot.palette.length];
      const name = document.createElement("span"); name.className = "name"; name.textContent = run.name;
      name.style.cursor = "pointer"; name.addEventListener("click", () => { state.focus = run.name; samples(); });
      const meta = document.createElement("div"); meta.className = "meta";
      meta.textContent = run.kind + " · " + new Date(run.updated).toLocaleTimeString() + (run.optionsError ? " · " + run.optionsError : "");
      const col = document.createElement("div"); col.style.flex = "1"; col.append(name, meta);
      row.append(box, sw, col); list.append(row);
    });
  }
  async function poll() {
    for (const name of state.chosen) {
      try {
        const m = await App.api("/api/runs/" + encodeURI(name) + "/metrics?after=" + (state.next[name] || 0));
        state.data[name] = (state.data[name] || []).concat(m.records); state.next[name] = m.next;
      } catch (e) { App.show(e.message); }
    }
    draw();
    if (state.focus) samples();
  }
  function draw() {
    const step = [], time = [];
    state.runs.forEach((run, i) => {
      if (!state.chosen.has(run.name)) return;
      const recs = state.data[run.name] || [], color = Plot.palette[i % Plot.palette.length];
      const tr = recs.filter(r => r.train_loss != null), va = recs.filter(r => r.val_loss != null);
      step.push({ label: run.name + " train", color, dash: true, points: tr.map(r => [r.step, r.train_loss]) });
      step.push({ label: run.name + " val", color, points: va.map(r => [r.step, r.val_loss]) });
      time.push({ label: run.name + " train", color, dash: true, points: tr.map(r => [r.wall_s, r.train_loss]) });
      time.push({ label: run.name + " val", color, points: va.map(r => [r.wall_s, r.val_loss]) });
    });
    Plot.lines(document.getElementById("plot-step"), step, { xLabel: "step", yLabel: "loss (nats/char)" });
    Plot.lines(document.getElementById("plot-time"), time, { xLabel: "training time (s)", yLabel: "loss (nats/char)" });
  }
  async function samples() {
    const box = document.getElementById("samples");
    try {
      const s = await App.api("/api/runs/" + encodeURI(state.focus) + "/samples");
      if (!s.samples.length) { box.textContent = state.focus + " wrote no samples (samples.jsonl): runs of charlm train write one at each validation."; return; }
      box.innerHTML = "";
      s.samples.slice().reverse().forEach(x => {
        const d = document.createElement("div"); d.className = "sample";
        d.innerHTML = "<b></b> <span class='muted small'></span><pre></pre>";
        d.querySelector("b").textContent = state.focus + " · step " + x.step;
        d.querySelector("span").textContent = (x.val_loss != null ? "val " + x.val_loss.toFixed(4) + " · " : "") + x.wall_s + " s";
        d.querySelector("pre").textContent = x.text; box.append(d);
      });
    } catch (e) { box.textContent = e.message; }
  }
  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(async () => {
      if (document.getElementById("runs-live").checked && !document.getElementById("view-runs").classList.contains("hidden")) {
        try {
          const r = await App.api("/api/runs");
          if (r.runs.length !== state.runs.length) { state.runs = r.runs; if (!state.chosen.size && r.runs.length) { state.chosen.add(r.runs[0].name); state.focus = r.runs[0].name; } render(); App.show(null); }
          await poll();
        } catch (e) { App.show(e.message); }
      }
      schedule();
    }, 2000);
  }
  let started = false;
  App.views.runs = () => { if (!started) { started = true; load(); } else draw(); };
})();

// Line charts on a canvas: axes with round ticks, optional log y, a legend. No library.
"use strict";
const Plot = (() => {
  const palette = ["#f57c00", "#1565c0", "#2e7d32", "#c62828", "#6a1b9a", "#00838f", "#ad1457", "#5d4037"];
  function ticks(lo, hi, n) {
    const span = hi - lo || 1, step0 = span / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
    const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= step0);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
    return out;
  }
  function fmt(v) {
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(0);
    return +v.toPrecision(4) + "";
  }
  // series: [{label, color?, points: [[x, y], ...]}]
  function lines(canvas, series, opts) {
    opts = opts || {};
    const dpr = window.devicePixelRatio || 1, w = canvas.clientWidth || canvas.width, h = Math.round(w * (canvas.height / canvas.width)) || canvas.height;
    canvas.width = w * dpr; canvas.height = h * dpr; canvas.style.height = h + "px";
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const m = { l: 64, r: 16, t: 12, b: 44 };
    const logY = !!opts.logY, ty = v => logY ? Math.log10(v) : v;
    const pts = series.flatMap(s => s.points).filter(p => isFinite(p[0]) && isFinite(p[1]) && (!logY || p[1] > 0));
    canvas.dataset.points = String(pts.length);
    ctx.font = "12px system-ui, sans-serif"; ctx.fillStyle = "#6b7280";
    if (pts.length === 0) { ctx.fillText(opts.empty || "No data yet.", m.l, h / 2); return; }
    let x0 = Math.min(...pts.map(p => p[0])), x1 = Math.max(...pts.map(p => p[0]));
    let y0 = Math.min(...pts.map(p => ty(p[1]))), y1 = Math.max(...pts.map(p => ty(p[1])));
    if (x0 === x1) { x0 -= 1; x1 += 1; }
    if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
    const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
    const X = x => m.l + (x - x0) / (x1 - x0) * (w - m.l - m.r), Y = y => h - m.b - (ty(y) - y0) / (y1 - y0) * (h - m.t - m.b);
    ctx.strokeStyle = "#e3e6ea"; ctx.lineWidth = 1; ctx.textAlign = "right"; ctx.textBaseline = "middle";
    const yt = logY ? ticks(Math.floor(y0), Math.ceil(y1), 6).filter(v => v >= y0 && v <= y1 && Number.isInteger(v)).map(v => Math.pow(10, v)) : ticks(y0, y1, 6);
    for (const v of yt) { const y = Y(v); ctx.beginPath(); ctx.moveTo(m.l, y); ctx.lineTo(w - m.r, y); ctx.stroke(); ctx.fillText(fmt(v), m.l - 6, y); }
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const v of ticks(x0, x1, 8)) { const x = X(v); ctx.beginPath(); ctx.moveTo(x, m.t); ctx.lineTo(x, h - m.b); ctx.stroke(); ctx.fillText(fmt(v), x, h - m.b + 6); }
    ctx.strokeStyle = "#9aa3ad"; ctx.strokeRect(m.l, m.t, w - m.l - m.r, h - m.t - m.b);
    ctx.fillStyle = "#1f2328"; ctx.fillText(opts.xLabel || "", (m.l + w - m.r) / 2, h - 18);
    ctx.save(); ctx.translate(14, (m.t + h - m.b) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(opts.yLabel || "", 0, 0); ctx.restore();
    let ly = m.t + 8;
    const lw = Math.max(...series.map(s => ctx.measureText(s.label).width)) + 40;
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.fillRect(w - m.r - lw, m.t + 1, lw - 1, series.length * 16 + 2);
    series.forEach((s, i) => {
      const color = s.color || palette[i % palette.length], p = s.points.filter(q => isFinite(q[1]) && (!logY || q[1] > 0));
      ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = 2; ctx.setLineDash(s.dash ? [6, 4] : []);
      ctx.beginPath(); p.forEach((q, j) => j ? ctx.lineTo(X(q[0]), Y(q[1])) : ctx.moveTo(X(q[0]), Y(q[1]))); ctx.stroke();
      if (p.length < 60) p.forEach(q => { ctx.beginPath(); ctx.arc(X(q[0]), Y(q[1]), 2.5, 0, 7); ctx.fill(); });
      ctx.setLineDash([]); ctx.textAlign = "right"; ctx.textBaseline = "middle";
      ctx.setLineDash(s.dash ? [4, 3] : []); ctx.beginPath(); ctx.moveTo(w - m.r - lw + 6, ly); ctx.lineTo(w - m.r - lw + 28, ly); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = "#1f2328"; ctx.fillText(s.label, w - m.r - 8, ly); ly += 16;
    });
  }
  return { lines, palette };
})();

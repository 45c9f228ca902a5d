// The live view: draws the frames /ws streams, sends controls to /api/*.
// Plain JavaScript, no dependencies: everything it needs is served with it.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const canvas = $('view');
  const ctx = canvas.getContext('2d');

  // Layout data.
  let nodes = 0, dims = 3;
  let pos = null;          // Float32Array, structure of arrays: x block, y block[, z block]
  let iteration = 0;
  let edges = new Uint32Array(0); // pairs of node ids
  const pinned = new Set();

  // View: rotation (3D), fit, zoom. Projected screen coordinates in CSS px.
  const view = { yaw: 0.6, pitch: 0.35, zoom: 1, scale: 1, cx: 0, cy: 0, cz: 0, frozen: false };
  let sx = new Float32Array(0), sy = new Float32Array(0), sz = new Float32Array(0);
  let dirty = true;
  const stats = { draws: 0, drawMs: 0, frames: 0, events: 0, steps: 0 };

  const get = (i, d) => (d < dims ? pos[d * nodes + i] : 0);

  function fit() {
    if (view.frozen || !pos || nodes === 0) return;
    let mx = 0, my = 0, mz = 0;
    for (let i = 0; i < nodes; i++) { mx += get(i, 0); my += get(i, 1); mz += get(i, 2); }
    mx /= nodes; my /= nodes; mz /= nodes;
    let r2 = 0;
    for (let i = 0; i < nodes; i++) {
      const dx = get(i, 0) - mx, dy = get(i, 1) - my, dz = get(i, 2) - mz;
      r2 += dx * dx + dy * dy + dz * dz;
    }
    const r = Math.max(Math.sqrt(r2 / nodes) * 2.2, 1e-6);
    view.cx = mx; view.cy = my; view.cz = mz;
    view.scale = 0.5 * Math.min(canvas.clientWidth, canvas.clientHeight) / r;
  }

  // Rotation: yaw about y, then pitch about x. Orthographic projection.
  function project() {
    if (sx.length !== nodes) { sx = new Float32Array(nodes); sy = new Float32Array(nodes); sz = new Float32Array(nodes); }
    const W2 = canvas.clientWidth / 2, H2 = canvas.clientHeight / 2, s = view.scale * view.zoom;
    const cy = Math.cos(view.yaw), syw = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
    const n = nodes, p = pos, three = dims === 3;
    for (let i = 0; i < n; i++) {
      const x = p[i] - view.cx, y = p[n + i] - view.cy, z = three ? p[2 * n + i] - view.cz : 0;
      let x1 = x, y2 = y, z2 = 0;
      if (three) {
        x1 = cy * x + syw * z;
        const z1 = -syw * x + cy * z;
        y2 = cp * y - sp * z1;
        z2 = sp * y + cp * z1;
      }
      sx[i] = W2 + s * x1; sy[i] = H2 - s * y2; sz[i] = z2;
    }
  }

  // unproject maps a screen point back into the world at node i's depth.
  function unproject(i, px, py) {
    const W2 = canvas.clientWidth / 2, H2 = canvas.clientHeight / 2, s = view.scale * view.zoom;
    const x1 = (px - W2) / s, y2 = -(py - H2) / s;
    if (dims !== 3) return [x1 + view.cx, y2 + view.cy, 0];
    const z2 = sz[i];
    const cy = Math.cos(view.yaw), syw = Math.sin(view.yaw), cp = Math.cos(view.pitch), sp = Math.sin(view.pitch);
    const y = cp * y2 + sp * z2, z1 = -sp * y2 + cp * z2;
    const x = cy * x1 - syw * z1, z = syw * x1 + cy * z1;
    return [x + view.cx, y + view.cy, z + view.cz];
  }

  function resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(canvas.clientWidth * dpr), h = Math.round(canvas.clientHeight * dpr);
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; dirty = true; }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  // The drawing is rasterised by hand into an ImageData: edges add up
  // (alpha-accumulated), nodes are 2x2 squares. Thousands of canvas path
  // segments cost far more in a software-rendered browser.
  let img = null, buf = null, acc = null;
  const lut = new Uint32Array(256);
  {
    const bg = [13, 17, 23], edge = [110, 150, 220];
    for (let a = 0; a < 256; a++) {
      const f = a / 255, c = bg.map((b, k) => Math.round(b + (edge[k] - b) * f));
      lut[a] = (255 << 24) | (c[2] << 16) | (c[1] << 8) | c[0]; // little-endian RGBA
    }
  }
  const NODE = (255 << 24) | (243 << 16) | (237 << 8) | 230;

  function line(x0, y0, x1, y1, w, h) {
    if ((x0 < 0 && x1 < 0) || (y0 < 0 && y1 < 0) || (x0 >= w && x1 >= w) || (y0 >= h && y1 >= h)) return;
    const dx = x1 - x0, dy = y1 - y0, n = Math.min(Math.ceil(Math.max(Math.abs(dx), Math.abs(dy))), 4096);
    const ix = n ? dx / n : 0, iy = n ? dy / n : 0;
    let x = x0, y = y0;
    for (let k = 0; k <= n; k++, x += ix, y += iy) {
      const px = x | 0, py = y | 0;
      if (px >= 0 && py >= 0 && px < w && py < h) {
        const o = py * w + px, v = acc[o] + 48;
        acc[o] = v > 255 ? 255 : v;
      }
    }
  }

  function draw() {
    const t0 = performance.now();
    resize();
    const dpr = window.devicePixelRatio || 1, w = canvas.width, h = canvas.height;
    if (w === 0 || h === 0) { dirty = true; return; } // not laid out yet: try again next frame
    if (!img || img.width !== w || img.height !== h) {
      img = ctx.createImageData(w, h);
      buf = new Uint32Array(img.data.buffer);
      acc = new Uint8Array(w * h);
    }
    if (pos) {
      fit();
      project();
      for (let k = 0; k < edges.length; k += 2) {
        const a = edges[k], b = edges[k + 1];
        line(sx[a] * dpr, sy[a] * dpr, sx[b] * dpr, sy[b] * dpr, w, h);
      }
    }
    for (let i = 0; i < acc.length; i++) buf[i] = lut[acc[i]];
    acc.fill(0);
    if (pos) {
      for (let i = 0; i < nodes; i++) {
        const px = (sx[i] * dpr) | 0, py = (sy[i] * dpr) | 0;
        if (px < 0 || py < 0 || px + 1 >= w || py + 1 >= h) continue;
        const o = py * w + px;
        buf[o] = buf[o + 1] = buf[o + w] = buf[o + w + 1] = NODE;
      }
    }
    ctx.putImageData(img, 0, 0);
    if (pos && pinned.size > 0) {
      ctx.beginPath();
      for (const i of pinned) { ctx.moveTo(sx[i] + 5, sy[i]); ctx.arc(sx[i], sy[i], 5, 0, 2 * Math.PI); }
      ctx.fillStyle = '#f0883e';
      ctx.fill();
    }
    if (!pos) return;
    canvas.dataset.iteration = String(iteration);
    stats.draws++;
    stats.drawMs += performance.now() - t0;
    canvas.dataset.draws = String(stats.draws);
  }

  function loop() {
    if (dirty) { dirty = false; draw(); }
    requestAnimationFrame(loop);
  }

  // nearest returns the node drawn closest to (px, py) within r pixels, or -1.
  function nearest(px, py, r) {
    let best = -1, bd = r * r;
    for (let i = 0; i < sx.length; i++) {
      const dx = sx[i] - px, dy = sy[i] - py, d = dx * dx + dy * dy;
      if (d <= bd) { bd = d; best = i; }
    }
    return best;
  }

  // --- server calls ---------------------------------------------------------
  async function post(path, body) {
    const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body) });
    const j = await r.json().catch(() => ({}));
    if (!r.ok) { addEvent('request refused: ' + (j.error || r.status), true); throw new Error(j.error || String(r.status)); }
    return j;
  }
  const quiet = (p) => p.catch(() => {});

  // Pins go one at a time; the latest position wins.
  let pinBusy = false, pinNext = null;
  function sendPin(req) {
    if (pinBusy) { pinNext = req; return; }
    pinBusy = true;
    post('/api/pin', req).catch(() => {}).finally(() => {
      pinBusy = false;
      if (pinNext) { const n = pinNext; pinNext = null; sendPin(n); }
    });
  }

  // --- mouse ------------------------------------------------------------------
  let drag = null;
  const local = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener('mousedown', (e) => {
    if (e.button !== 0 || !pos) return;
    const [px, py] = local(e);
    const i = nearest(px, py, 8);
    if (i >= 0) { drag = { node: i, moved: false }; view.frozen = true; }
    else drag = { rotate: true, x: px, y: py, yaw: view.yaw, pitch: view.pitch };
    e.preventDefault();
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const [px, py] = local(e);
    if (drag.rotate) {
      if (dims !== 3) return;
      view.yaw = drag.yaw + (px - drag.x) * 0.01;
      view.pitch = Math.max(-1.5, Math.min(1.5, drag.pitch + (py - drag.y) * 0.01));
      dirty = true;
      return;
    }
    const i = drag.node, w = unproject(i, px, py);
    drag.moved = true;
    pos[i] = w[0]; pos[nodes + i] = w[1]; if (dims === 3) pos[2 * nodes + i] = w[2];
    pinned.add(i);
    dirty = true;
    sendPin({ id: i, x: w[0], y: w[1], z: w[2] });
  });
  window.addEventListener('mouseup', () => {
    if (drag && drag.node !== undefined) view.frozen = false;
    drag = null;
  });
  canvas.addEventListener('dblclick', (e) => {
    const [px, py] = local(e);
    const i = nearest(px, py, 8);
    if (i < 0 || !pinned.has(i)) return;
    pinned.delete(i);
    dirty = true;
    sendPin({ id: i, unpin: true });
  });
  canvas.addEventListener('wheel', (e) => {
    view.zoom = Math.max(0.05, Math.min(50, view.zoom * Math.exp(-e.deltaY * 0.001)));
    dirty = true;
    e.preventDefault();
  }, { passive: false });
  window.addEventListener('resize', () => { dirty = true; });

  // --- panel ------------------------------------------------------------------
  const sliders = [
    { name: 'RepelK', min: 0, max: 1000, step: 1 },
    { name: 'SpringK', min: 0, max: 5, step: 0.01 },
    { name: 'RestLength', min: 0, max: 100, step: 0.5 },
    { name: 'Damping', min: 0.05, max: 1, step: 0.01 },
    { name: 'CenterGravityK', min: 0, max: 0.2, step: 0.001 },
    { name: 'Theta', min: 0, max: 2, step: 0.05 },
  ];
  for (const s of sliders) {
    const row = document.createElement('label');
    row.className = 'slider';
    row.innerHTML = `<span>${s.name}</span><input type="range" id="p-${s.name}" min="${s.min}" max="${s.max}" step="${s.step}"><output></output>`;
    $('sliders').appendChild(row);
    const input = row.querySelector('input'), out = row.querySelector('output');
    s.input = input; s.out = out;
    input.addEventListener('input', () => { out.textContent = fmt(+input.value); });
    input.addEventListener('change', () => { quiet(post('/api/params', { [s.name]: +input.value })); });
  }
  function showParams(p) {
    for (const s of sliders) {
      if (document.activeElement === s.input || p[s.name] === undefined) continue;
      s.input.value = p[s.name];
      s.out.textContent = fmt(p[s.name]);
    }
  }

  function fmt(v) {
    if (!isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
    return String(+v.toPrecision(4));
  }

  $('pause').addEventListener('click', () => quiet(post('/api/pause')));
  $('resume').addEventListener('click', () => quiet(post('/api/resume')));

  const keHist = [];
  function plotKE(v) {
    keHist.push(v);
    if (keHist.length > 140) keHist.shift();
    const c = $('keplot'), g = c.getContext('2d'), W = c.width, H = c.height;
    g.fillStyle = '#0d1117'; g.fillRect(0, 0, W, H);
    const logs = keHist.map((x) => Math.log10(Math.max(x, 1e-12)));
    const lo = Math.min(...logs), hi = Math.max(...logs), span = Math.max(hi - lo, 1e-9);
    g.beginPath();
    logs.forEach((l, k) => {
      const x = (k / 139) * (W - 4) + 2, y = H - 4 - ((l - lo) / span) * (H - 8);
      k === 0 ? g.moveTo(x, y) : g.lineTo(x, y);
    });
    g.strokeStyle = '#3fb950'; g.lineWidth = 1.5; g.stroke();
    g.fillStyle = '#7d8590'; g.font = '10px sans-serif';
    g.fillText(fmt(Math.pow(10, hi)), 4, 11);
    g.fillText(fmt(Math.pow(10, lo)), 4, H - 4);
  }

  function showStep(m) {
    stats.steps++;
    $('tps').textContent = fmt(m.ticks_per_second);
    $('iter').textContent = String(m.iteration);
    $('ke').textContent = fmt(m.kinetic_energy);
    $('backend').textContent = m.backend || '–';
    $('nodes').textContent = String(m.nodes);
    $('recoveries').textContent = String(m.recoveries);
    $('dropped').textContent = String(m.frames_dropped);
    $('viewers').textContent = String(m.viewers);
    $('status').textContent = m.paused ? 'paused' : m.settled ? 'settled (equilibrium)' : 'running';
    showParams(m.params);
    plotKE(m.kinetic_energy);
  }

  function showDelivery(m) {
    const body = $('delivery').querySelector('tbody');
    body.textContent = '';
    for (const k of m.kinds) {
      const tr = document.createElement('tr');
      for (const v of [k.kind, k.sent, k.acked, k.retried, k.failed]) {
        const td = document.createElement('td'); td.textContent = String(v); tr.appendChild(td);
      }
      tr.cells[0].title = k.kind;
      body.appendChild(tr);
    }
  }

  function addEvent(text, recovery) {
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + ' ' + text;
    if (recovery) li.className = 'recovery';
    const ul = $('events');
    ul.prepend(li);
    while (ul.children.length > 50) ul.lastChild.remove();
  }

  // --- stream -----------------------------------------------------------------
  function onFrame(buf) {
    const h = new DataView(buf, 0, 16);
    const n = h.getUint32(0, true), d = h.getUint32(4, true);
    if (n !== nodes || (d !== 2 && d !== 3) || buf.byteLength !== 16 + 4 * n * d) return;
    dims = d;
    iteration = h.getUint32(8, true) + h.getUint32(12, true) * 4294967296;
    pos = new Float32Array(buf, 16, n * d);
    stats.frames++;
    dirty = true;
  }

  function onText(text) {
    const m = JSON.parse(text);
    stats.events++;
    if (m.type === 'step') showStep(m);
    else if (m.type === 'delivery') showDelivery(m);
    else if (m.type === 'event') addEvent(`${m.kind}${m.reason ? ': ' + m.reason : ''} (iteration ${m.iteration})`,
      /recover|fallback|fail/.test(m.kind));
  }

  let retry = 500;
  function connect() {
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => { $('conn').textContent = 'live'; $('conn').className = 'ok'; retry = 500; };
    ws.onmessage = (e) => (typeof e.data === 'string' ? onText(e.data) : onFrame(e.data));
    ws.onclose = () => {
      $('conn').textContent = 'disconnected'; $('conn').className = 'bad';
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  async function start() {
    const [st, g] = await Promise.all([
      fetch('/api/state').then((r) => r.json()),
      fetch('/api/graph').then((r) => r.arrayBuffer()),
    ]);
    const h = new DataView(g, 0, 8);
    nodes = st.nodes; dims = st.dims;
    edges = new Uint32Array(g, 8, 2 * h.getUint32(4, true));
    showStep(Object.assign({ frames_dropped: 0, viewers: 0 }, st));
    if (dims !== 3) view.yaw = view.pitch = 0;
    connect();
    requestAnimationFrame(loop);
  }

  // For tests and the curious: where node i is drawn, and draw statistics.
  window.protoack = {
    screenPos: (i) => { const r = canvas.getBoundingClientRect(); return [r.left + sx[i], r.top + sy[i]]; },
    pinned: () => [...pinned],
    stats,
    // spin redraws at every animation frame for ms milliseconds and
    // resolves to the frames a second the browser kept up.
    spin: (ms) => new Promise((resolve) => {
      const t0 = performance.now();
      let n = 0;
      const f = () => {
        draw(); n++;
        const dt = performance.now() - t0;
        if (dt < ms) requestAnimationFrame(f); else resolve(n * 1000 / dt);
      };
      requestAnimationFrame(f);
    }),
  };

  start().catch((e) => addEvent('failed to start: ' + e.message, true));
})();

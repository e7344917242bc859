// The dashboard page: one EventSource on /api/events (a snapshot, then coalesced updates), rendered into keyed rows
// so an update touches only the cells that changed. Charts are uPlot (loaded by the page as a global). Relative
// times ("3 s ago", elapsed) move once a second from the server's clock, measured at each message.
/* global uPlot */

const $ = (selector) => document.querySelector(selector);

const state = {
  /** Server clock minus this clock, ms. */
  offset: 0,
  workers: new Map(),
  workerOrder: [],
  inFlight: [],
  recent: [],
  feed: [],
  series: [],
  totals: undefined,
  seq: { recent: 0, feed: 0, series: 0 },
};

const RECENT_KEPT = 100;
const FEED_KEPT = 200;
const SERIES_KEPT = 300;

// ---------------------------------------------------------------- formatting

const serverNow = () => Date.now() + state.offset;
const short = (id) => (id ? id.slice(0, 8) : '–');
const number = (n) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US'));
function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
function ago(at) {
  if (!at) return 'never';
  const s = Math.max(0, (serverNow() - at) / 1000);
  return s < 60 ? `${s.toFixed(s < 10 ? 1 : 0)} s ago` : `${Math.floor(s / 60)} min ago`;
}
const clock = (at) => new Date(at).toLocaleTimeString('en-GB', { hour12: false });
const workerName = (id) => {
  const worker = state.workers.get(id);
  return worker ? `${worker.name} (${short(id)})` : short(id);
};
function attemptsText(attempts) {
  return attempts
    .map((a) => `${workerName(a.workerId)}: ${a.outcome}${a.detail ? ` (${a.detail})` : ''}${a.fromToken > 0 ? ` from token ${a.fromToken}` : ''}`)
    .join(' → ');
}

// ---------------------------------------------------------------- DOM helpers

/** Sets a node's text only when it differs (no layout work for cells that did not change). */
function text(node, value) {
  const s = String(value);
  if (node.textContent !== s) node.textContent = s;
}

function cells(row, count) {
  while (row.cells.length < count) row.insertCell();
  return [...row.cells];
}

/** A cell of a main line and a smaller second line. */
function twoLines(cell, main, sub) {
  if (cell.childNodes.length !== 2) {
    const first = document.createElement('span');
    const second = document.createElement('span');
    second.className = 'sub';
    cell.replaceChildren(first, second);
  }
  text(cell.firstChild, main);
  text(cell.lastChild, sub);
}

function badge(cell, kind, value) {
  let span = cell.firstElementChild;
  if (!span) {
    span = document.createElement('span');
    cell.append(span);
  }
  const cls = `state ${kind}-${value}`;
  if (span.className !== cls) span.className = cls;
  text(span, value);
}

function showEmpty(id, empty) {
  const note = document.getElementById(id);
  if (note.hidden === !empty) return;
  note.hidden = !empty;
}

// ---------------------------------------------------------------- workers

const workerRows = new Map();

function renderWorker(worker) {
  let row = workerRows.get(worker.workerId);
  if (!row) {
    row = document.createElement('tr');
    row.dataset.workerId = worker.workerId;
    workerRows.set(worker.workerId, row);
  }
  row.dataset.state = worker.state;
  const [name, stateCell, load, hardware, memory, models, rate, heard, history] = cells(row, 9);
  twoLines(name, worker.name, `${short(worker.workerId)} · ${worker.address}${worker.source === 'static' ? ' · static' : ''}`);
  name.lastChild.classList.add('id');
  badge(stateCell, 'state', worker.state);
  if (!load.firstChild) load.innerHTML = '<meter min="0"></meter> <span></span>';
  const meter = load.firstChild;
  const capacity = Math.max(worker.maxConcurrent, 1);
  meter.max = capacity;
  meter.high = capacity * 0.75;
  meter.value = Math.min(worker.load, capacity);
  meter.setAttribute('aria-label', `load ${worker.load} of ${worker.maxConcurrent}`);
  text(load.lastChild, `${worker.load} / ${worker.maxConcurrent}`);
  twoLines(hardware, worker.chip || '–', `${worker.unifiedMemoryGB} GB, ${worker.availableMemoryGB} GB for models`);
  twoLines(
    memory,
    worker.memoryUsedGB === null ? '–' : `${worker.memoryUsedGB.toFixed(1)} GB`,
    worker.cpuPercent === null ? '' : `CPU ${Math.round(worker.cpuPercent)}% · GPU ${Math.round(worker.gpuPercent)}%`,
  );
  models.className = 'wrap';
  text(models, worker.models === null ? 'any' : worker.models.join(', ') || 'none');
  rate.className = 'num';
  text(rate, worker.tokensPerS.toFixed(1));
  heard.dataset.lastSeen = String(worker.lastSeen);
  text(heard, ago(worker.lastSeen));
  renderHistory(history, worker.history);
  return row;
}

function renderHistory(cell, history) {
  let details = cell.firstElementChild;
  if (!details) {
    details = document.createElement('details');
    details.append(document.createElement('summary'), document.createElement('ol'));
    cell.append(details);
  }
  const [summary, list] = details.children;
  const last = history.at(-1);
  text(summary, `${history.length} change${history.length === 1 ? '' : 's'}${last ? `, last ${clock(last.at)}` : ''}`);
  const key = history.map((h) => `${h.at}${h.state}`).join('|');
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(
    ...history
      .slice()
      .reverse()
      .map((h) => {
        const item = document.createElement('li');
        item.textContent = `${clock(h.at)} ${h.state}${h.why ? `: ${h.why}` : ''}`;
        return item;
      }),
  );
}

function renderWorkers() {
  const body = $('#workers tbody');
  let previous = null;
  for (const id of state.workerOrder) {
    const worker = state.workers.get(id);
    if (!worker) continue;
    const row = renderWorker(worker);
    const expected = previous ? previous.nextSibling : body.firstChild;
    if (expected !== row) body.insertBefore(row, expected);
    previous = row;
  }
  for (const [id, row] of workerRows) {
    if (!state.workers.has(id)) {
      row.remove();
      workerRows.delete(id);
    }
  }
  showEmpty('workers-empty', state.workerOrder.length === 0);
}

// ---------------------------------------------------------------- requests in flight

const inFlightRows = new Map();

function renderInFlight() {
  const body = $('#inflight tbody');
  const seen = new Set();
  let previous = null;
  for (const request of state.inFlight) {
    seen.add(request.requestId);
    let row = inFlightRows.get(request.requestId);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.requestId = request.requestId;
      inFlightRows.set(request.requestId, row);
    }
    const [id, model, worker, tokens, ttft, elapsed, attempts, moves] = cells(row, 8);
    id.className = 'id';
    text(id, short(request.requestId));
    text(model, request.modelId);
    text(worker, request.workerId ? workerName(request.workerId) : 'placing…');
    row.dataset.worker = request.workerId ?? '';
    tokens.className = 'num';
    text(tokens, number(request.tokens));
    text(ttft, duration(request.ttftMs));
    elapsed.dataset.startedAt = String(request.startedAt);
    text(elapsed, duration(serverNow() - request.startedAt));
    attempts.className = 'wrap';
    text(attempts, attemptsText(request.attempts) || '–');
    moves.className = 'num';
    text(moves, request.moves);
    const expected = previous ? previous.nextSibling : body.firstChild;
    if (expected !== row) body.insertBefore(row, expected);
    previous = row;
  }
  for (const [id, row] of inFlightRows) {
    if (!seen.has(id)) {
      row.remove();
      inFlightRows.delete(id);
    }
  }
  showEmpty('inflight-empty', state.inFlight.length === 0);
}

// ---------------------------------------------------------------- recent requests

function recentRow(request) {
  const row = document.createElement('tr');
  row.dataset.requestId = request.requestId;
  row.dataset.outcome = request.outcome;
  const last = request.attempts.at(-1);
  const [id, model, outcome, worker, reason, tokens, ttft, took, attempts] = cells(row, 9);
  id.className = 'id';
  id.textContent = short(request.requestId);
  model.textContent = request.modelId;
  badge(outcome, 'outcome', request.outcome);
  if (request.error) outcome.append(Object.assign(document.createElement('span'), { className: 'sub', textContent: request.error }));
  worker.textContent = request.workerId ? workerName(request.workerId) : 'none';
  reason.textContent = last ? last.reason : '–';
  tokens.className = 'num';
  tokens.textContent = number(request.tokens);
  ttft.textContent = duration(request.ttftMs);
  took.textContent = duration(request.durationMs);
  attempts.className = 'wrap';
  outcome.className = 'wrap';
  attempts.textContent = `${request.attempts.length}: ${attemptsText(request.attempts) || 'none'}`;
  return row;
}

function addRecent(items, replace) {
  const body = $('#recent tbody');
  if (replace) body.replaceChildren();
  const fresh = items.filter((r) => r.seq > state.seq.recent);
  if (fresh.length === 0) return;
  state.seq.recent = fresh.at(-1).seq;
  const fragment = document.createDocumentFragment();
  for (const request of fresh.slice(-RECENT_KEPT).reverse()) fragment.append(recentRow(request));
  body.prepend(fragment);
  while (body.rows.length > RECENT_KEPT) body.lastElementChild.remove();
  showEmpty('recent-empty', body.rows.length === 0);
}

// ---------------------------------------------------------------- feed

function addFeed(events, replace) {
  const list = $('#feed');
  if (replace) list.replaceChildren();
  const fresh = events.filter((e) => e.seq > state.seq.feed);
  if (fresh.length > 0) state.seq.feed = fresh.at(-1).seq;
  const fragment = document.createDocumentFragment();
  for (const event of fresh.slice(-FEED_KEPT).reverse()) {
    const item = document.createElement('li');
    item.className = `level-${event.level}`;
    item.dataset.kind = event.kind;
    if (event.workerId) item.dataset.workerId = event.workerId;
    const time = document.createElement('time');
    time.dateTime = new Date(event.at).toISOString();
    time.textContent = clock(event.at);
    item.append(time, `${event.level === 'info' ? '' : `${event.level}: `}${event.text}`);
    fragment.append(item);
  }
  list.prepend(fragment);
  while (list.children.length > FEED_KEPT) list.lastElementChild.remove();
  showEmpty('feed-empty', list.children.length === 0);
  // Screen readers hear membership changes only (the newest of this update), not every error line.
  if (!replace) {
    const membership = fresh.filter((e) => e.kind === 'online' || e.kind === 'offline').at(-1);
    if (membership) text($('#announcer'), membership.text);
  }
}

// ---------------------------------------------------------------- totals

function renderTotals() {
  const totals = state.totals;
  if (!totals) return;
  const values = {
    ...totals.workers,
    inFlight: totals.inFlight,
    requests: totals.requests,
    completed: totals.completed,
    failed: totals.failed,
    cancelled: totals.cancelled,
    tokens: totals.tokens,
    retries: totals.retries,
    moves: totals.moves,
  };
  for (const node of document.querySelectorAll('[data-total]')) text(node, number(values[node.dataset.total]));
}

// ---------------------------------------------------------------- charts

const COLORS = { blue: '#1f5fbf', red: '#b00020', green: '#1b7a3a', purple: '#6a3fb5' };
const charts = [
  {
    id: 'chart-requests',
    series: [
      ['ended', 'requestsPerS', COLORS.blue],
      ['failed', 'failedPerS', COLORS.red],
    ],
    unit: '/s',
  },
  { id: 'chart-tokens', series: [['tokens', 'tokensPerS', COLORS.green]], unit: '/s' },
  {
    id: 'chart-ttft',
    series: [
      ['p50', 'ttftP50Ms', COLORS.blue],
      ['p99', 'ttftP99Ms', COLORS.purple],
    ],
    unit: ' ms',
  },
];

function chartData(chart) {
  return [state.series.map((p) => p.t / 1000), ...chart.series.map(([, field]) => state.series.map((p) => p[field]))];
}

function makeCharts() {
  if (typeof uPlot === 'undefined') return;
  for (const chart of charts) {
    const figure = document.getElementById(chart.id);
    const element = figure.querySelector('.plot');
    chart.plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 160,
        legend: { show: true, live: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [
          { stroke: '#333', grid: { stroke: '#e3e3e3' } },
          { stroke: '#333', grid: { stroke: '#e3e3e3' }, size: 50 },
        ],
        series: [{}, ...chart.series.map(([label, , stroke]) => ({ label, stroke, width: 2, spanGaps: false }))],
      },
      chartData(chart),
      element,
    );
    new ResizeObserver(() => chart.plot.setSize({ width: Math.max(280, element.clientWidth), height: 160 })).observe(element);
  }
}

function renderCharts() {
  for (const chart of charts) {
    const figure = document.getElementById(chart.id);
    figure.dataset.points = String(state.series.length);
    chart.plot?.setData(chartData(chart));
    const last = state.series.at(-1);
    const summary = last
      ? chart.series
          .map(
            ([label, field]) =>
              `${label} now ${last[field] === null ? '–' : `${last[field]}${chart.unit}`}, max ${Math.max(0, ...state.series.map((p) => p[field] ?? 0))}${chart.unit}`,
          )
          .join('; ')
      : 'no data yet';
    text(figure.querySelector('[data-summary]'), `(${summary})`);
  }
}

function addSeries(points, replace) {
  if (replace) state.series = [];
  const fresh = points.filter((p) => p.seq > state.seq.series);
  if (fresh.length === 0) return false;
  state.seq.series = fresh.at(-1).seq;
  state.series.push(...fresh);
  if (state.series.length > SERIES_KEPT) state.series.splice(0, state.series.length - SERIES_KEPT);
  return true;
}

// ---------------------------------------------------------------- the live feed

function applySnapshot(snapshot) {
  state.offset = snapshot.now - Date.now();
  state.workers = new Map(snapshot.workers.map((w) => [w.workerId, w]));
  state.workerOrder = snapshot.workers.map((w) => w.workerId);
  state.inFlight = snapshot.inFlight;
  state.totals = snapshot.totals;
  state.seq = { recent: 0, feed: 0, series: 0 };
  renderWorkers();
  renderInFlight();
  addRecent(snapshot.recent, true);
  addFeed(snapshot.feed, true);
  addSeries(snapshot.series, true);
  renderCharts();
  renderTotals();
}

function applyUpdate(update) {
  state.offset = update.now - Date.now();
  state.totals = update.totals;
  if (update.workers) for (const worker of update.workers) state.workers.set(worker.workerId, worker);
  if (update.workerIds) {
    state.workerOrder = update.workerIds;
    for (const id of [...state.workers.keys()]) if (!update.workerIds.includes(id)) state.workers.delete(id);
  } else if (update.workers) {
    for (const worker of update.workers) if (!state.workerOrder.includes(worker.workerId)) state.workerOrder = [...state.workerOrder, worker.workerId].sort();
  }
  if (update.workerIds || update.workers?.some((w) => !workerRows.has(w.workerId))) renderWorkers();
  else if (update.workers) for (const worker of update.workers) renderWorker(worker);
  if (update.inFlight) {
    state.inFlight = update.inFlight;
    renderInFlight();
  }
  if (update.recent) addRecent(update.recent, false);
  if (update.feed) addFeed(update.feed, false);
  if (update.series && addSeries(update.series, false)) renderCharts();
  renderTotals();
}

let source;
function setConnection(kind, label) {
  const node = $('#connection');
  node.dataset.state = kind;
  text(node, label);
}

function connect() {
  source = new EventSource('/api/events');
  setConnection('connecting', 'Connecting…');
  source.addEventListener('snapshot', (event) => {
    applySnapshot(JSON.parse(event.data));
    setConnection('live', 'Live');
  });
  source.addEventListener('update', (event) => applyUpdate(JSON.parse(event.data)));
  source.addEventListener('error', () => setConnection('lost', 'Connection lost, reconnecting…'));
}

function disconnect() {
  source?.close();
  source = undefined;
}

$('#pause').addEventListener('click', (event) => {
  const button = event.currentTarget;
  const pause = button.getAttribute('aria-pressed') !== 'true';
  button.setAttribute('aria-pressed', String(pause));
  button.textContent = pause ? 'Resume live updates' : 'Pause live updates';
  if (pause) {
    disconnect();
    setConnection('paused', 'Paused');
  } else connect();
});

// Relative times move between updates.
setInterval(() => {
  if (!source) return;
  for (const cell of document.querySelectorAll('[data-last-seen]')) text(cell, ago(Number(cell.dataset.lastSeen)));
  for (const cell of document.querySelectorAll('[data-started-at]')) text(cell, duration(serverNow() - Number(cell.dataset.startedAt)));
}, 1000);

makeCharts();
connect();

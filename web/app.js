// The playground page: DOM only. What runs is in dist/src/browser/ (compiled from
// src/browser/), the same code a test runs in Node to compare results.
import { createEVM, FORK_NAMES, DEFAULT_FORK, hostSupport } from '../dist/src/browser/index.js';
import { SAMPLES, runBytecode, runBlockSequential, sampleBlock } from '../dist/src/browser/playground.js';

const $ = (id) => document.getElementById(id);

/** What tests (and the curious, in the console) can read: the last result of each panel. */
const playground = { support: hostSupport(), last: {}, ready: null };
window.playground = playground;

let evm;

const fmt = (n) => BigInt(n).toLocaleString('en-US');
const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0)) + ' ms';
const short = (hex, keep = 10) => (hex.length > 2 * keep + 4 ? `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}` : hex);
const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'title') e.title = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function table(node, head, rows) {
  node.replaceChildren(el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))), el('tbody', {}, ...rows));
  node.hidden = false;
}

function showError(node, e) {
  node.textContent = e && e.name === 'InputError' ? `Input error: ${e.message}` : `Error: ${e && e.message ? e.message : e}`;
  node.hidden = false;
}

/** Runs `work` for a panel: marks it running, shows errors plainly, marks it done or error. */
async function panel(section, button, errorNode, work) {
  section.dataset.state = 'running';
  button.disabled = true;
  errorNode.hidden = true;
  await nextFrame(); // let "running" paint before the main thread is busy
  try {
    await work();
    section.dataset.state = 'done';
  } catch (e) {
    if (e?.name !== 'InputError') console.warn(e); // shown on the page; the stack is for developers
    showError(errorNode, e);
    section.dataset.state = 'error';
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------
// Bytecode

function initBytecode() {
  const sample = $('sample');
  for (const s of SAMPLES) sample.append(el('option', { value: s.id }, s.title));
  sample.append(el('option', { value: '' }, '(your own)'));
  const load = () => {
    const s = SAMPLES.find((x) => x.id === sample.value);
    if (!s) return;
    $('code').value = s.code;
    $('calldata').value = s.data ?? '';
    $('gas').value = s.gas ?? '1000000';
  };
  sample.addEventListener('change', load);
  $('code').addEventListener('input', () => (sample.value = ''));
  for (const f of FORK_NAMES) $('fork').append(el('option', { value: f }, f));
  $('fork').value = DEFAULT_FORK;
  load();
  $('run-code').addEventListener('click', () =>
    panel($('bytecode'), $('run-code'), $('code-error'), async () => {
      for (const id of ['code-result', 'trace-title', 'trace-note', 'trace-table']) $(id).hidden = true;
      $('code-time').textContent = '';
      playground.last.bytecode = undefined;
      const r = runBytecode(evm, { code: $('code').value, data: $('calldata').value, gas: $('gas').value, fork: $('fork').value, trace: $('trace').checked });
      playground.last.bytecode = r;
      renderBytecode(r);
    }),
  );
}

function renderBytecode(r) {
  const status = $('code-status');
  status.className = `status-${r.status}`;
  status.textContent = r.status === 'success' ? 'success' : r.status === 'revert' ? 'reverted' : `halted: ${r.error}`;
  if (r.revertReason !== null) status.textContent += ` — Error("${r.revertReason}")`;
  $('code-gas').textContent = `${fmt(r.gasUsed)}${r.gasRefund !== '0' ? ` (refund ${fmt(r.gasRefund)})` : ''}`;
  $('code-output').textContent = r.output === '0x' ? '(empty)' : r.output;
  $('code-logs').textContent = r.logs.length === 0 ? 'none'
    : r.logs.map((l, i) => `#${i} topics [${l.topics.map((t) => short(t)).join(', ')}] data ${l.data}`).join('\n');
  $('code-storage').textContent = r.storage.length === 0 ? 'unchanged'
    : r.storage.map(([k, v]) => `slot 0x${BigInt(k).toString(16)} = 0x${BigInt(v).toString(16)}`).join('\n');
  $('code-result').hidden = false;
  $('code-time').textContent = `ran in ${ms(r.ms)}`;

  const title = $('trace-title');
  const note = $('trace-note');
  title.hidden = false;
  if (r.trace) {
    const omitted = r.traceSteps - r.trace.length;
    title.textContent = `Step trace: ${fmt(r.traceSteps)} step${r.traceSteps === 1 ? '' : 's'}`;
    note.hidden = omitted === 0;
    note.textContent = `The middle ${fmt(omitted)} steps are left out; the first ${fmt(r.trace.length - Math.min(50, omitted))} and the last ones are shown.`;
    const rows = [];
    r.trace.forEach((s, i) => {
      if (i > 0 && s.step !== r.trace[i - 1].step + 1) {
        rows.push(el('tr', { class: 'gap' }, el('td', { colspan: '7' }, `… ${fmt(s.step - r.trace[i - 1].step - 1)} steps …`)));
      }
      rows.push(el('tr', s.error ? { class: 'err', title: s.error } : {},
        el('td', { class: 'num' }, s.step),
        el('td', { class: 'num' }, s.pc),
        el('td', { class: 'op' }, s.op),
        el('td', { class: 'num' }, fmt(s.gas)),
        el('td', { class: 'num' }, fmt(s.cost)),
        el('td', { class: 'num' }, s.depth),
        el('td', { class: 'stack' }, (s.stack.length ? [...s.stack].reverse().join('  ') : '—') + (s.error ? `   ⟵ ${s.error}` : ''))));
    });
    table($('trace-table'), ['step', 'pc', 'opcode', 'gas left', 'cost', 'depth', 'stack before (top first)'], rows);
  } else {
    title.textContent = 'Disassembly';
    note.hidden = false;
    note.textContent = $('trace').checked
      ? ''
      : 'Step trace off: here are the instructions of the code.';
    const rows = r.disassembly.map((d) =>
      el('tr', {}, el('td', { class: 'num' }, d.pc), el('td', { class: 'op' }, d.name), el('td', { class: 'stack' }, d.immediate)));
    table($('trace-table'), ['pc', 'opcode', 'immediate'], rows);
  }
}

// ---------------------------------------------------------------------------
// State tests

function initStateTest() {
  for (const f of FORK_NAMES) $('st-fork').append(el('option', { value: f }, f));
  $('run-st').addEventListener('click', () =>
    panel($('statetest'), $('run-st'), $('st-error'), async () => {
      $('st-table').hidden = true;
      $('st-time').textContent = '';
      playground.last.statetest = undefined;
      let file;
      let text = $('st-json').value.trim();
      if (text !== '') file = 'pasted.json';
      else {
        const path = $('st-path').value.trim().replace(/^\/+/, '');
        if (path === '') throw Object.assign(new Error('file: give a path under /vectors/ or paste a test'), { name: 'InputError' });
        const res = await fetch(`../vectors/${path}`);
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}: /vectors/${path} (is $LANES_VECTORS set for the server?)`);
        file = path;
        text = await res.text();
      }
      const { runStateTestText } = await import('../dist/src/browser/statetest.js');
      const r = runStateTestText(evm, file, text, { fork: $('st-fork').value || undefined });
      playground.last.statetest = r;
      $('st-time').textContent = `${r.passed} passed, ${r.failed} failed in ${ms(r.ms)}`;
      const rows = r.cases.map((c) =>
        el('tr', { class: c.pass ? 'pass' : 'fail' },
          el('td', {}, c.name),
          el('td', {}, c.fork),
          el('td', { class: 'mono' }, `d${c.indexes.data} g${c.indexes.gas} v${c.indexes.value}`),
          el('td', { class: 'mono', title: c.actualRoot }, short(c.actualRoot || '—', 8)),
          el('td', {}, c.pass ? (c.error ? `ok (${c.error})` : 'ok') : c.reason)));
      table($('st-table'), ['test', 'fork', 'case', 'state root', 'result'], rows);
    }),
  );
}

// ---------------------------------------------------------------------------
// Blocks

let warmedUp = false;

function initBlock() {
  const s = playground.support;
  $('b-workers').value = String(Math.max(2, Math.min(s.cores, 8)));
  $('run-block').addEventListener('click', () =>
    panel($('block'), $('run-block'), $('b-error'), async () => {
      for (const id of ['b-table', 'b-verdict', 'b-detail', 'b-chart-box', 'b-note']) $(id).hidden = true;
      $('b-time').textContent = '';
      playground.last.block = undefined;
      const spec = {
        txs: Number($('b-txs').value), rounds: Number($('b-rounds').value), conflictEvery: Number($('b-conflict').value),
      };
      const workers = Number($('b-workers').value);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
        throw Object.assign(new Error('workers: 1 to 64'), { name: 'InputError' });
      }
      sampleBlock(spec); // validates the spec before anything runs
      $('b-time').textContent = 'running sequentially…';
      await nextFrame();
      if (!warmedUp) runBlockSequential(evm, { txs: 8, rounds: 50, conflictEvery: 2 }); // JIT warm-up, not measured
      warmedUp = true;
      await nextFrame();
      const seq = runBlockSequential(evm, spec);
      $('b-time').textContent = `running with ${workers} workers…`;
      await nextFrame();
      const par = await runParallel(spec, workers);
      playground.last.block = { spec, sequential: seq, parallel: par };
      renderBlock(spec, seq, par);
      $('b-time').textContent = '';
    }),
  );
}

/** The parallel run, or the sequential fallback (saying why) where the page cannot run one. */
async function runParallel(spec, workers) {
  let mod;
  try {
    mod = await import('../dist/src/browser/parallel.js');
  } catch (e) {
    console.info('parallel executor not available:', e);
    const r = runBlockSequential(evm, spec);
    return { ...r, fallback: 'the parallel executor is not in this build of Lanes' };
  }
  return mod.runBlockParallel(evm, spec, workers);
}

function renderBlock(spec, seq, par) {
  const note = $('b-note');
  if (par.fallback) {
    note.textContent = `Ran sequentially instead of on ${$('b-workers').value} workers: ${par.fallback}.`;
    note.hidden = false;
  }
  const row = (label, r) =>
    el('tr', {},
      el('td', {}, label),
      el('td', { class: 'num' }, r.workers),
      el('td', { class: 'num' }, ms(r.ms)),
      el('td', { class: 'num' }, fmt(r.gasUsed)),
      el('td', { class: 'num' }, `${(Number(r.gasUsed) / 1000 / r.ms).toFixed(1)}`),
      el('td', { class: 'mono', title: r.stateRoot }, short(r.stateRoot, 8)));
  const parLabel = par.fallback ? 'fallback: sequential' : 'parallel (Block-STM)';
  table($('b-table'), ['run', 'workers', 'time', 'gas', 'Mgas/s', 'state root'], [row('sequential', seq), row(parLabel, par)]);
  const verdict = $('b-verdict');
  const same = seq.stateRoot === par.stateRoot && seq.receiptsRoot === par.receiptsRoot && seq.gasUsed === par.gasUsed;
  verdict.className = same ? 'ok' : 'bad';
  verdict.textContent = (same ? '✓ Same state root, receipts root and gas used.' : '✗ The two runs disagree!') +
    (par.fallback ? '' : ` Speedup ${(seq.ms / par.ms).toFixed(2)}× on ${par.workers} workers.`);
  verdict.hidden = false;
  const detail = $('b-detail');
  if (!par.fallback && par.stats) {
    const t = par.timings;
    detail.textContent = `Block-STM: ${par.stats.executions} executions for ${par.txs} transactions ` +
      `(${par.reexecutions} re-executions, ${par.stats.validationAborts} failed validations, ${par.stats.estimateWaits} waits on a dependency). ` +
      `Snapshot ${ms(t.snapshotMs)}, parallel execution ${ms(t.executeMs)}, commit and roots ${ms(t.commitMs)}` +
      (par.poolStartMs ? `; starting the workers took ${ms(par.poolStartMs)} (once, not counted).` : '.');
    detail.hidden = false;
  }
  drawChart($('b-chart'), seq.txMs, spec.conflictEvery);
  $('b-chart-box').hidden = false;
}

/** A bar per transaction (SVG, no library). */
function drawChart(box, values, conflictEvery) {
  const W = 1000, H = 180, left = 70, bottom = 22, top = 8;
  const max = Math.max(...values, 1e-6);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'time per transaction');
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  const plotW = W - left - 6, plotH = H - top - bottom;
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH * (1 - f);
    add('line', { x1: left, x2: W - 6, y1: y, y2: y, stroke: '#e3e6ea' });
    add('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#5d6773' }, ms(max * f));
  }
  const bw = plotW / values.length;
  values.forEach((v, i) => {
    const h = (v / max) * plotH;
    const hot = conflictEvery > 0 && i % conflictEvery === 0;
    const r = add('rect', { x: left + i * bw + bw * 0.1, y: top + plotH - h, width: Math.max(bw * 0.8, 0.5), height: Math.max(h, 0.5), fill: hot ? '#e8830c' : '#2456c7' });
    const t = document.createElementNS(ns, 'title');
    t.textContent = `tx ${i}: ${ms(v)}`;
    r.append(t);
  });
  add('text', { x: left, y: H - 5, 'font-size': 12, fill: '#5d6773' }, 'tx 0');
  add('text', { x: W - 6, y: H - 5, 'font-size': 12, fill: '#5d6773', 'text-anchor': 'end' }, `tx ${values.length - 1}`);
  box.replaceChildren(svg);
}

// ---------------------------------------------------------------------------

async function main() {
  const badge = $('support');
  try {
    evm = await createEVM();
  } catch (e) {
    badge.className = 'badge warn';
    badge.textContent = `Cannot start the EVM: ${e.message}`;
    throw e;
  }
  const s = playground.support;
  badge.className = s.parallel ? 'badge ok' : 'badge warn';
  badge.textContent = s.parallel
    ? `Cross-origin isolated: blocks can run on up to ${s.cores} Web Workers.`
    : `Sequential only: ${s.reason}.`;
  initBytecode();
  initStateTest();
  initBlock();
  document.body.dataset.ready = 'true';
}

playground.ready = main();

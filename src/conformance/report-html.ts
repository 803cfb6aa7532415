// `gene conformance report --html OUT.html A.json [B.json …]`: several implementations at a glance
// (the idea of wpt.fyi and test262.fyi), as ONE static file: no network, no server. Rows are the
// spec's rules, columns the reports; a cell counts its cases' results and opens them (reason and
// diff) on click; filters by feature, status and text; each column shows its run metadata.
// Report data is embedded as JSON and rendered with textContent, never as HTML.

import type { JsonReport } from './report-json.js';

interface PageCase {
  id: string;
  status: string;
  failureType?: string;
  reason?: string;
  failure?: string;
  diff?: string[];
  features: string[];
  description?: string;
}

interface PageColumn {
  label: string;
  file: string;
  meta: Record<string, string>;
  summary: Record<string, number>;
  /** case id → its result in this report. */
  cases: Record<string, PageCase>;
}

interface PageRow {
  anchor: string;
  title: string;
  caseIds: string[];
}

export interface PageData {
  columns: PageColumn[];
  rows: PageRow[];
  features: string[];
}

/** `titles`: anchor → rule title (the spec's), given by the caller; unknown anchors show alone. */
export function pageData(reports: readonly { file: string; json: JsonReport }[], titles: ReadonlyMap<string, string> = new Map()): PageData {
  const rows = new Map<string, Set<string>>();
  const features = new Set<string>();
  const columns = reports.map(({ file, json }) => {
    const cases: Record<string, PageCase> = {};
    for (const c of json.cases) {
      const entry: PageCase = { id: c.id, status: c.status, features: c.features ?? [] };
      if (c.failureType) entry.failureType = c.failureType;
      if (c.reason !== undefined) entry.reason = c.reason;
      if (c.failure !== undefined) entry.failure = c.failure;
      if (c.diff) entry.diff = c.diff.slice(0, 400);
      if (c.description) entry.description = c.description;
      cases[c.id] = entry;
      entry.features.forEach((f) => features.add(f));
      const anchors = c.spec && c.spec.length > 0 ? c.spec : ['(no rule)'];
      for (const a of anchors) {
        if (!rows.has(a)) rows.set(a, new Set());
        rows.get(a)!.add(c.id);
      }
    }
    const meta: Record<string, string> = { impl: json.meta?.impl ?? json.impl };
    if (json.meta) {
      meta.implVersion = json.meta.implVersion;
      meta.suite = `${json.meta.suiteVersion} ${json.meta.suiteCommit}`;
      meta.hostContract = String(json.meta.hostContract);
      meta.started = json.meta.startedAt;
      meta.ended = json.meta.endedAt;
      meta.options = json.meta.options.join(' ');
    }
    return { label: meta.implVersion ?? meta.impl!, file, meta, summary: { ...json.summary }, cases };
  });
  const byAnchor = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });
  return {
    columns,
    rows: [...rows.keys()].sort(byAnchor).map((anchor) => ({ anchor, title: titles.get(anchor) ?? '', caseIds: [...rows.get(anchor)!].sort() })),
    features: [...features].sort(),
  };
}

/** JSON safe inside a <script> element: no `</script>`, no `<!--`, no U+2028/2029 surprises. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1em;color:#222}
h1{font-size:1.3em}
table{border-collapse:collapse}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
thead th{background:#f3f3f3;position:sticky;top:0}
td.cell{cursor:pointer;white-space:nowrap}
.pass{background:#d9f2d9}.fail,.flaky,.unexpected-pass{background:#f8d0d0}.known-failure{background:#fbe7c6}.skip{background:#e6e6e6}.mixed{background:#fff3b0}.none{color:#999}
tr.details td{background:#fafafa}
pre{margin:2px 0;white-space:pre-wrap;font-size:12px}
.meta{font-size:12px;color:#444}
#filters{margin:.5em 0;display:flex;gap:1em;flex-wrap:wrap}
.case{margin:2px 0}
`;

// Plain ES2017 run in the page; it only reads the embedded JSON and uses textContent.
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var text = document.getElementById('filter-text');
  var feature = document.getElementById('filter-feature');
  var status = document.getElementById('filter-status');
  var body = document.querySelector('#matrix tbody');
  function el(tag, cls, txt) { var e = document.createElement(tag); if (cls) e.className = cls; if (txt !== undefined) e.textContent = txt; return e; }
  data.features.forEach(function (f) { var o = el('option', '', f); o.value = f; feature.appendChild(o); });
  function wanted(c) {
    if (!c) return false;
    if (feature.value && c.features.indexOf(feature.value) < 0) return false;
    if (status.value && c.status !== status.value) return false;
    return true;
  }
  function cellClass(list) {
    if (list.length === 0) return 'none';
    var first = list[0].status;
    for (var i = 1; i < list.length; i++) if (list[i].status !== first) return 'mixed';
    return first;
  }
  function render() {
    var q = text.value.trim().toLowerCase();
    body.textContent = '';
    var shown = 0;
    data.rows.forEach(function (row) {
      var per = data.columns.map(function (col) {
        return row.caseIds.map(function (id) { return col.cases[id]; }).filter(function (c) {
          if (!wanted(c)) return false;
          if (!q) return true;
          return (row.anchor + ' ' + row.title + ' ' + c.id + ' ' + (c.description || '') + ' ' + (c.reason || '')).toLowerCase().indexOf(q) >= 0;
        });
      });
      if (per.every(function (l) { return l.length === 0; })) return;
      shown++;
      var tr = el('tr', 'rule');
      tr.dataset.anchor = row.anchor;
      var head = el('th', '', row.anchor);
      if (row.title) head.appendChild(el('div', 'meta', row.title));
      tr.appendChild(head);
      var details = el('tr', 'details');
      details.hidden = true;
      var detailCell = el('td');
      detailCell.colSpan = data.columns.length + 1;
      details.appendChild(detailCell);
      per.forEach(function (list, k) {
        var passed = list.filter(function (c) { return c.status === 'pass'; }).length;
        var td = el('td', 'cell ' + cellClass(list), list.length ? passed + '/' + list.length + ' pass' : '—');
        td.dataset.impl = String(k);
        td.title = list.map(function (c) { return c.id + ': ' + c.status; }).join('\\n');
        td.addEventListener('click', function () {
          var same = !details.hidden && details.dataset.impl === String(k);
          detailCell.textContent = '';
          details.hidden = same;
          details.dataset.impl = String(k);
          if (same) return;
          detailCell.appendChild(el('div', 'meta', data.columns[k].label));
          list.forEach(function (c) {
            var d = el('div', 'case ' + c.status);
            d.appendChild(el('strong', '', c.id));
            d.appendChild(document.createTextNode(' ' + c.status + (c.failureType ? ' (' + c.failureType + ')' : '') + (c.reason ? ': ' + c.reason : '')));
            if (c.failure && c.failure !== c.reason) d.appendChild(el('div', 'meta', c.failure));
            if (c.diff && c.diff.length) d.appendChild(el('pre', 'diff', c.diff.join('\\n')));
            detailCell.appendChild(d);
          });
        });
        tr.appendChild(td);
      });
      body.appendChild(tr);
      body.appendChild(details);
    });
    document.getElementById('shown').textContent = shown + ' of ' + data.rows.length + ' rules shown';
  }
  [text, feature, status].forEach(function (e) { e.addEventListener('input', render); e.addEventListener('change', render); });
  render();
})();
`;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderHtmlReport(reports: readonly { file: string; json: JsonReport }[], titles?: ReadonlyMap<string, string>): string {
  const data = pageData(reports, titles);
  const statuses = ['pass', 'fail', 'known-failure', 'unexpected-pass', 'flaky', 'skip'];
  const headers = data.columns
    .map((col, k) => {
      const meta = Object.entries(col.meta)
        .map(([key, v]) => `<div class="meta"><b>${escapeHtml(key)}</b>: ${escapeHtml(v)}</div>`)
        .join('');
      const s = col.summary;
      const counts = `${s.passed ?? 0} passed, ${s.failed ?? 0} failed, ${s.knownFailures ?? 0} known, ${s.skipped ?? 0} skipped`;
      return `<th data-impl="${k}"><div>${escapeHtml(col.label)}</div><div class="meta">${escapeHtml(counts)}</div>${meta}<div class="meta">${escapeHtml(col.file)}</div></th>`;
    })
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Gene conformance: ${escapeHtml(data.columns.map((c) => c.label).join(' vs '))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Gene conformance: rules × implementations</h1>
<div id="filters">
<label>Text <input id="filter-text" type="search" placeholder="rule, case id, reason"></label>
<label>Feature <select id="filter-feature"><option value="">any</option></select></label>
<label>Status <select id="filter-status"><option value="">any</option>${statuses.map((s) => `<option value="${s}">${s}</option>`).join('')}</select></label>
<span id="shown" class="meta"></span>
</div>
<table id="matrix">
<thead><tr><th>rule</th>${headers}</tr></thead>
<tbody></tbody>
</table>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

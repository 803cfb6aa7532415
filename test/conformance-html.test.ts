// `gene conformance report --html`, tested in a real headless Chromium (Debian's `chromium`)
// driven by puppeteer-core: the page renders from the file alone (no request leaves it), a cell
// opens its cases with the diff, and the feature, status and text filters work. Skips with a
// message where no browser is installed (CHROMIUM=/path overrides /usr/bin/chromium).

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformanceCli } from '../src/conformance/cli.js';
import { renderHtmlReport, scriptJson } from '../src/conformance/report-html.js';
import type { JsonReport } from '../src/conformance/report-json.js';

/** What the tests read of a rendered element (the test's own types have no DOM library). */
interface Shown {
  innerText: string;
  hidden: boolean;
}

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`conformance-html: skipping the browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);

const scratch = mkdtempSync(join(tmpdir(), 'conformance-html-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const meta = (impl: string, implVersion: string) => ({
  suiteVersion: '0.1.0',
  suiteCommit: 'abc123',
  hostContract: 2,
  impl,
  implVersion,
  options: ['--impl', impl],
  startedAt: '2026-12-01T00:00:00.000Z',
  endedAt: '2026-12-01T00:01:00.000Z',
});

function report(impl: string, version: string, cases: JsonReport['cases']): JsonReport {
  const count = (s: string) => cases.filter((c) => c.status === s).length;
  return {
    version: 2,
    hostContract: 2,
    impl,
    meta: meta(impl, version),
    ok: count('fail') === 0,
    summary: { total: cases.length, passed: count('pass'), failed: count('fail'), skipped: count('skip'), knownFailures: count('known-failure'), unexpectedPasses: 0, flaky: 0, durationMs: 10 },
    cases,
  };
}

const c = (id: string, spec: string, features: string[], status: JsonReport['cases'][number]['status'], extra: object = {}) => ({ id, file: `${id}.gene`, status, durationMs: 1, spec: [spec], features, ...extra });

const reference = report('gene-ref', 'gene-ref 0.1.0', [
  c('thr.join.basic', 'THR-JOIN.1', ['threads', 'join'], 'pass'),
  c('thr.join.timeout', 'THR-JOIN.1', ['threads', 'join', 'timeouts'], 'pass'),
  c('thr.pool.lowest', 'THR-POOL.2', ['threads', 'pool'], 'pass'),
  c('lang.op.plus', 'LANG-OP.1', ['core'], 'pass'),
]);
const other = report('gene-nim', 'gene 0.1.0 (nim)', [
  c('thr.join.basic', 'THR-JOIN.1', ['threads', 'join'], 'known-failure', { failureType: 'fail', reason: 'Thread has no .join (THR-JOIN.1)', failure: 'output differs', diff: ['-joined', '+Error: <script>alert(1)</script>'] }),
  c('thr.join.timeout', 'THR-JOIN.1', ['threads', 'join', 'timeouts'], 'known-failure', { failureType: 'timeout', reason: 'hangs', failure: 'timeout (10 s, class short)' }),
  c('thr.pool.lowest', 'THR-POOL.2', ['threads', 'pool'], 'pass'),
  c('lang.op.plus', 'LANG-OP.1', ['core'], 'fail', { failureType: 'crash', failure: 'crashed (SIGSEGV)', reason: 'crashed (SIGSEGV)' }),
]);

describe('the HTML page as text', () => {
  it('embeds the data safely and needs nothing from the network', () => {
    const html = renderHtmlReport([{ file: 'ref.json', json: reference }, { file: 'nim.json', json: other }], new Map());
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    expect(html).not.toContain('<script>alert');
    expect(scriptJson({ a: '</script><!--' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--"}');
  });

  it('is written by gene conformance report --html', async () => {
    const files = ['ref', 'nim'].map((n) => join(scratch, `${n}.json`));
    writeFileSync(files[0]!, JSON.stringify(reference));
    writeFileSync(files[1]!, JSON.stringify(other));
    let stderr = '';
    const out = join(scratch, 'cli.html');
    const status = await runConformanceCli(['report', '--html', out, ...files], { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } });
    expect(status).toBe(0);
    expect(stderr).toContain('2 implementations');
    expect(readFileSync(out, 'utf8')).toContain('gene 0.1.0 (nim)');
  });
});

describe.skipIf(!hasBrowser)('the HTML page in headless Chromium', () => {
  // puppeteer-core is loaded only here, so a machine without it still runs the rest.
  let browser: import('puppeteer-core').Browser;
  let page: import('puppeteer-core').Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    const puppeteer = (await import('puppeteer-core')).default;
    const profile = mkdtempSync(join(scratch, 'profile-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
    });
    page = await browser.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const file = join(scratch, 'page.html');
    writeFileSync(file, renderHtmlReport([{ file: 'ref.json', json: reference }, { file: 'nim.json', json: other }], new Map([['THR-JOIN.1', 'join waits for the thread']])));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const rowTexts = () => page.$$eval('#matrix tbody tr.rule', (rows) => rows.map((r) => (r as unknown as Shown).innerText.replace(/\s+/g, ' ').trim()));

  it('renders rules × implementations with each column’s metadata, from the file alone', async () => {
    expect(errors).toEqual([]);
    expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    const headers = await page.$$eval('#matrix thead th', (ths) => ths.map((t) => (t as unknown as Shown).innerText));
    expect(headers).toHaveLength(3);
    expect(headers[1]).toContain('gene-ref 0.1.0');
    expect(headers[2]).toContain('gene 0.1.0 (nim)');
    expect(headers[2]).toContain('abc123');
    expect(headers[2]).toContain('2026-12-01T00:00:00.000Z');
    const rows = await rowTexts();
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('THR-JOIN.1');
    expect(rows[1]).toContain('join waits for the thread');
    expect(rows[1]).toMatch(/2\/2 pass.*0\/2 pass/);
  });

  it('opens a cell’s cases with the diff on click, as text', async () => {
    await page.click('tr.rule[data-anchor="THR-JOIN.1"] td.cell[data-impl="1"]');
    const details = await page.$eval('tr.rule[data-anchor="THR-JOIN.1"] + tr.details', (tr) => ({ hidden: (tr as unknown as Shown).hidden, text: (tr as unknown as Shown).innerText }));
    expect(details.hidden).toBe(false);
    expect(details.text).toContain('thr.join.basic known-failure (fail): Thread has no .join (THR-JOIN.1)');
    expect(details.text).toContain('+Error: <script>alert(1)</script>');
    expect(details.text).toContain('thr.join.timeout known-failure (timeout)');
    expect(await page.$$eval('tr.details script', (s) => s.length)).toBe(0);
    await page.click('tr.rule[data-anchor="THR-JOIN.1"] td.cell[data-impl="1"]');
    expect(await page.$eval('tr.rule[data-anchor="THR-JOIN.1"] + tr.details', (tr) => (tr as unknown as Shown).hidden)).toBe(true);
  });

  it('filters by feature, status and text', async () => {
    await page.select('#filter-feature', 'pool');
    expect((await rowTexts()).map((r) => r.split(' ')[0])).toEqual(['THR-POOL.2']);
    await page.select('#filter-feature', '');
    await page.select('#filter-status', 'fail');
    expect((await rowTexts()).map((r) => r.split(' ')[0])).toEqual(['LANG-OP.1']);
    await page.select('#filter-status', '');
    await page.type('#filter-text', 'timeout');
    const rows = await rowTexts();
    expect(rows.map((r) => r.split(' ')[0])).toEqual(['THR-JOIN.1']);
    expect(rows[0]).toMatch(/1\/1 pass.*0\/1 pass/);
    expect(await page.$eval('#shown', (e) => e.textContent)).toBe('1 of 3 rules shown');
    expect(errors).toEqual([]);
  });
});

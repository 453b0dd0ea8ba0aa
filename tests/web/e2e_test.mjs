// The coach's web page in a real browser: Debian's chromium, headless, driven by
// playwright-core, against the real w2w-server (--web) loaded with generated demo data.
// Each check compares what the page shows with the gRPC answer for the same question
// (@grpc/grpc-js over proto/, as tests/node does):
//   login (a wrong token refused, the admin token accepted, the cookie HttpOnly and
//   SameSite=Strict), the vacancy list, a shortlist (ids and scores as Shortlist says),
//   an explanation (the reasons ExplainMatch gives), a rematch run to its summary (the
//   counts StartRematch gives), the reports page, a page outside a coach's scope
//   (HTTP 403), the JSON API refusing a call without a session or without JSON, and
//   /metrics counting the calls the page made; live alerts: /meldingen lists the
//   matches of a pushed vacancy in a coach's scope as Shortlist gives them, in Dutch,
//   and reopens its watch with the last resume token when the edge ends the stream
//   (--web_watch_seconds); a vacancy's live panel shows a candidate entering and leaving.
// Screenshots of every page go to W2W_SCREENSHOT_DIR (default build/web-screenshots).
//
// Environment: W2W_SERVER_BIN, W2W_CLI_BIN, W2W_DATAGEN_BIN, W2W_DATA_DIR, W2W_PROTO_DIR,
// W2W_CHROMIUM (default /usr/bin/chromium), W2W_SCREENSHOT_DIR.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const env = (name, fallback) => process.env[name] || fallback;
const SERVER_BIN = env('W2W_SERVER_BIN', path.join(repo, 'build', 'service', 'w2w-server'));
const CLI_BIN = env('W2W_CLI_BIN', path.join(repo, 'build', 'clients', 'w2w'));
const DATAGEN_BIN = env('W2W_DATAGEN_BIN', path.join(repo, 'build', 'clients', 'w2w-datagen'));
const REFERENCE_DIR = env('W2W_DATA_DIR', path.join(repo, 'data'));
const PROTO_DIR = env('W2W_PROTO_DIR', path.join(repo, 'proto'));
const CHROMIUM = env('W2W_CHROMIUM', '/usr/bin/chromium');
const SHOTS = env('W2W_SCREENSHOT_DIR', path.join(repo, 'build', 'web-screenshots'));
const CANDIDATES = 3000;
const VACANCIES = 600;
const WATCH_SECONDS = 3;
const LIVE_WAIT_MS = 15_000;  // The longest a live alert may take to show in these tests.

// ---- gRPC -----------------------------------------------------------------------------
function loadContract() {
  const dir = path.join(PROTO_DIR, 'w2w', 'v1');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.proto')).map((f) => `w2w/v1/${f}`);
  const definition = protoLoader.loadSync(files, {
    keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR],
  });
  return grpc.loadPackageDefinition(definition).w2w.v1;
}
const v1 = loadContract();
let grpcAddress = '';
let adminToken = '';
function stub(service) { return new v1[service](grpcAddress, grpc.credentials.createInsecure()); }
function call(service, method, request, token = adminToken) {
  const client = stub(service);
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    client[method](request, metadata, {deadline: Date.now() + 30_000}, (error, response) => {
      client.close();
      if (error) reject(error); else resolve(response);
    });
  });
}
function rematch(request) {
  const client = stub('RematchService');
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${adminToken}`);
  return new Promise((resolve, reject) => {
    let summary = null;
    const stream = client.startRematch(request, metadata);
    stream.on('data', (event) => { if (event.summary) summary = event.summary; });
    stream.on('error', (e) => { client.close(); reject(e); });
    stream.on('end', () => { client.close(); resolve(summary); });
  });
}

// ---- The server -----------------------------------------------------------------------
let server = null;
let root = '';
let web = '';

async function startServer() {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'w2w-web-test-'));
  const dataDir = path.join(root, 'data');
  // --web_watch_seconds: the web edge ends every watch after that long, so the page's
  // reconnect with its resume token happens (and is checked) within the test.
  server = spawn(SERVER_BIN, [`--data_dir=${dataDir}`, '--address=127.0.0.1:0', '--web',
    '--http_address=127.0.0.1:0', `--reference_dir=${REFERENCE_DIR}`, `--web_watch_seconds=${WATCH_SECONDS}`],
  {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  server.stderr.on('data', (d) => { stderr += d; });
  const lines = readline.createInterface({input: server.stdout});
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
    lines.on('line', (line) => {
      let m;
      if ((m = line.match(/^w2w-server web page on (http\S+)$/))) web = m[1];
      if ((m = line.match(/^w2w-server listening on (\S+)$/))) {
        grpcAddress = m[1];
        clearTimeout(timer);
        resolve();
      }
    });
  });
  assert.ok(web, 'the server printed its web address');
  adminToken = fs.readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();
  // The demo data, as scripts/start.sh loads it.
  const demo = path.join(root, 'demo');
  execFileSync(DATAGEN_BIN, [`--candidates=${CANDIDATES}`, `--vacancies=${VACANCIES}`, '--seed=42',
    '--format=csv', '--outcomes', `--out=${demo}`], {stdio: 'ignore'});
  for (const [kind, file] of [['vacancies', 'vacancies.csv'], ['candidates', 'candidates.csv'], ['events', 'outcomes.jsonl']]) {
    execFileSync(CLI_BIN, [`--server=${grpcAddress}`, 'import', kind, path.join(demo, file)],
      {stdio: 'ignore', env: {...process.env, W2W_TOKEN: adminToken}});
  }
}

function stopServer() {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    const killer = setTimeout(() => server.kill('SIGKILL'), 15_000);
    return new Promise((resolve) => server.on('exit', () => { clearTimeout(killer); resolve(); }));
  }
  return Promise.resolve();
}
process.on('exit', () => { if (server && server.exitCode === null) server.kill('SIGKILL'); });

// ---- The browser ----------------------------------------------------------------------
let browser = null;
async function newPage() {
  const context = await browser.newContext({viewport: {width: 1366, height: 900}});
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  return page;
}
async function login(page, token, next = '/') {
  await page.goto(`${web}/login?next=${encodeURIComponent(next)}`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('body[data-ready="1"]');
}
async function ready(page) { await page.waitForSelector('body[data-ready="1"]'); }
async function shot(page, name) {
  fs.mkdirSync(SHOTS, {recursive: true});
  await page.screenshot({path: path.join(SHOTS, `${name}.png`), fullPage: true});
}
// Records the page's Watch streams: each request's body and, once it ended, its lines.
function recordWatches(page) {
  const streams = [];
  page.on('response', (response) => {
    if (!response.url().endsWith('/api/stream/w2w.v1.WatchService/Watch')) return;
    const entry = {request: JSON.parse(response.request().postData()), lines: null};
    entry.done = response.text()
      .then((text) => { entry.lines = text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)); })
      .catch(() => {});  // A stream cut by a navigation has no body to read.
    streams.push(entry);
  });
  return streams;
}
// The last resume token of a stream's lines.
function lastToken(lines) {
  let token = '';
  for (const line of lines) {
    if (line.notice && line.notice.resumeToken) token = line.notice.resumeToken;
    for (const e of line.events || []) token = e.resumeToken || token;
  }
  return token;
}
// Waits (polling, bounded) until condition() holds.
async function until(condition, ms, what) {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
// A copy of a stored record under a new id, as an upsert takes it.
const copyOf = (record, id, extra = {}) => ({...record, id, version: 0, updatedAt: '', ...extra});
const pageNumber = (text) => Number(text.trim().replace(/\./g, '').replace(',', '.'));

describe('the web page', () => {
  let page;
  let openVacancy;

  before(async () => {
    await startServer();
    browser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']});
    page = await newPage();
    const list = await call('VacancyService', 'listVacancies', {pageSize: 50, status: 'VACANCY_STATUS_OPEN'});
    openVacancy = list.vacancies[0];
    assert.ok(openVacancy, 'the demo has an open vacancy');
  });
  after(async () => {
    if (browser) await browser.close();
    await stopServer();
    if (root) fs.rmSync(root, {recursive: true, force: true});
  });

  it('refuses a wrong token and logs in with the right one', async () => {
    await page.goto(`${web}/`);
    assert.match(page.url(), /\/login\?next=/, 'a page without a session sends you to /login');
    await page.fill('#token', 'w2w_not-a-token');
    const refused = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    assert.equal(refused[0].status(), 401);
    assert.match(await page.textContent('.error'), /onbekend/);
    await shot(page, 'login');
    await login(page, adminToken);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'w2w_session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.ok(session.expires > Date.now() / 1000, 'the cookie expires');
    assert.equal(session.value.length, 64, '32 random bytes, hex');
    assert.match(await page.textContent('#who'), /admin/);
  });

  it('lists vacancies with filters as ListVacancies does', async () => {
    await page.goto(`${web}/?status=VACANCY_STATUS_OPEN`);
    await ready(page);
    const ids = await page.$$eval('#list a', (as) => as.map((a) => a.textContent));
    const expected = await call('VacancyService', 'listVacancies', {pageSize: 50, status: 'VACANCY_STATUS_OPEN'});
    assert.deepEqual(ids, expected.vacancies.map((v) => v.id));
    await shot(page, 'vacancies');
  });

  it('shows the shortlist the API gives, and its explanation on a keypress', async () => {
    await page.goto(`${web}/vacatures/${openVacancy.id}`);
    await ready(page);
    await page.waitForSelector('tr.match');
    const rows = await page.$$eval('tr.match', (trs) => trs.map((tr) => ({
      id: tr.dataset.id, score: tr.querySelector('td.score').textContent})));
    const expected = await call('MatchService', 'shortlist', {vacancyId: openVacancy.id, k: 20});
    assert.ok(expected.matches.length > 0, 'the demo vacancy has a shortlist');
    assert.deepEqual(rows.map((r) => r.id), expected.matches.map((m) => m.candidateId));
    rows.forEach((r, i) => assert.ok(Math.abs(pageNumber(r.score) - expected.matches[i].score) < 0.0006,
      `score of ${r.id}: page ${r.score}, API ${expected.matches[i].score}`));
    // The keyboard: focus the first row and press Enter.
    await page.focus('tr.match');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.explanation');
    const reasons = await page.$$eval('.explanation ul.reasons li', (lis) => lis.map((li) => li.textContent));
    // The page asks for Dutch: its reasons are ExplainMatch's in LANGUAGE_NL, not the
    // English ones of the API's default.
    const pair = {vacancyId: openVacancy.id, candidateId: rows[0].id};
    const explained = await call('MatchService', 'explainMatch', {...pair, language: 'LANGUAGE_NL'});
    assert.equal(explained.language, 'LANGUAGE_NL');
    assert.deepEqual(reasons, explained.explanation.reasons);
    assert.ok(reasons.length > 0);
    const english = await call('MatchService', 'explainMatch', pair);
    assert.equal(english.language, 'LANGUAGE_EN');
    assert.equal(english.explanation.reasons.length, reasons.length);
    assert.notDeepEqual(reasons, english.explanation.reasons);
    assert.ok(reasons.some((r) => /^(zelfde beroep|verwant beroep)/.test(r)), `Dutch reasons: ${reasons.join(' | ')}`);
    await shot(page, 'shortlist');
    // The page's own filters: max km keeps only matches within reach.
    await page.fill('#f-km', '20');
    await page.click('#match-filters button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#match-status').textContent.includes('resultaten'));
    const distances = await page.$$eval('tr.match td:nth-child(5)', (tds) => tds.map((td) => td.textContent));
    for (const d of distances) assert.ok(pageNumber(d) <= 20, `distance ${d} within 20 km`);
  });

  it('shows a candidate and their best vacancies as MatchCandidate does', async () => {
    const list = await call('CandidateService', 'listCandidates', {pageSize: 20, status: 'CANDIDATE_STATUS_AT_RISK'});
    const candidate = list.candidates[0];
    await page.goto(`${web}/kandidaten/${candidate.id}`);
    await ready(page);
    const expected = await call('MatchService', 'matchCandidate', {candidateId: candidate.id, k: 20});
    if (expected.matches.length) await page.waitForSelector('tr.match');
    const ids = await page.$$eval('tr.match', (trs) => trs.map((tr) => tr.dataset.id));
    assert.deepEqual(ids, expected.matches.map((m) => m.vacancyId));
    assert.doesNotMatch(await page.textContent('main'), /\bnull\b|undefined/, 'no placeholder leaks into the page');
    assert.equal(await page.$('#live'), null, 'a candidate page has no vacancy live panel');
    await shot(page, 'candidate');
  });

  it('runs a rematch to its summary, with the counts StartRematch gives', async () => {
    const list = await call('CandidateService', 'listCandidates', {pageSize: 200});
    const byEmployer = {};
    for (const c of list.candidates) if (c.employerId) byEmployer[c.employerId] = (byEmployer[c.employerId] || 0) + 1;
    const employer = Object.entries(byEmployer).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    await page.goto(`${web}/rematch`);
    await ready(page);
    await page.fill('#r-employer', employer);
    await page.selectOption('#r-mode', 'REMATCH_MODE_GROUP');
    await page.click('#r-start');
    await page.waitForSelector('#kpi-now', {timeout: 120_000});
    const kpi = async (id) => pageNumber(await page.textContent(`#${id} b`));
    const expected = await rematch({selection: {employerId: employer}, options: {k: 5, mode: 'REMATCH_MODE_GROUP'}});
    assert.equal(await kpi('kpi-now'), Number(expected.placeableNow));
    assert.equal(await kpi('kpi-retrain'), Number(expected.placeableAfterRetraining));
    assert.equal(await kpi('kpi-not'), Number(expected.notPlaceable));
    assert.equal(await kpi('kpi-moves'), Number(expected.sectorMoves));
    assert.equal(await page.getAttribute('#r-progress', 'value'), await page.getAttribute('#r-progress', 'max'));
    // The from-to matrix of sectors: its moves (off the diagonal) are the summary's.
    const moved = await page.$$eval('#sector-moves td.move', (tds) => tds.reduce((n, td) => n + Number(td.textContent.replace(/\./g, '')), 0));
    assert.equal(moved, Number(expected.sectorMoves));
    const placed = await page.$$eval('#sector-moves td', (tds) => tds.reduce((n, td) => n + Number(td.textContent.replace(/\./g, '')), 0));
    assert.equal(placed, Number(expected.placeableNow) + Number(expected.placeableAfterRetraining));
    const courses = await page.$$eval('#courses tr td:nth-child(2)', (tds) => tds.length).catch(() => 0);
    assert.equal(courses, expected.retrainingDemand.length);
    // The charts were drawn (Chart.js from the binary).
    assert.ok(await page.evaluate(() => typeof Chart === 'function'));
    await shot(page, 'rematch');
    // The plan as CSV: a header and a line per person of the run.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#r-csv')]);
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(csv[0].split(',')[0], 'candidate_id');
    assert.equal(csv.length - 1, Number(expected.selected) - Number(expected.skipped));
  });

  it('shows the regional reports as GetReport does', async () => {
    await page.goto(`${web}/rapportages`);
    await page.waitForSelector('#report');
    const expected = await call('ReportService', 'getReport', {groupBy: 'REPORT_GROUPING_REGION'});
    assert.equal(pageNumber(await page.textContent('#kpi-placements b')), Number(expected.total.placements));
    const rows = await page.$$eval('#report tr', (trs) => trs.length - 1);
    assert.equal(rows, expected.rows.length);
    await shot(page, 'reports');
  });

  it('refuses a page outside a coach\'s scope', async () => {
    const regions = (await call('TaxonomyService', 'listRegions', {})).regions.map((r) => r.name);
    const other = regions.find((r) => r !== openVacancy.region);
    const created = await call('AccessService', 'createToken',
      {name: 'coach-e2e', role: 'ROLE_COACH', scope: {regions: [other]}});
    const coach = await newPage();
    await login(coach, created.secret);
    // Outside the scope is answered as an unknown id is (docs/security.md: the API never
    // tells who is registered): 404, the same words, nothing of the record.
    const response = await coach.goto(`${web}/vacatures/${openVacancy.id}`);
    assert.equal(response.status(), 404, `vacancy in ${openVacancy.region}, coach of ${other}`);
    assert.match(await coach.textContent('h1'), /buiten uw bereik/);
    const body = await coach.textContent('body');
    assert.ok(!body.includes(openVacancy.employerId) && !body.includes(openVacancy.title), 'nothing of the record shows');
    const outside = (await coach.textContent('main p')).replaceAll(openVacancy.id, 'ID');
    await shot(coach, 'refused');
    const unknown = await coach.goto(`${web}/vacatures/no-such-vacancy`);
    assert.equal(unknown.status(), 404);
    assert.equal((await coach.textContent('main p')).replaceAll('no-such-vacancy', 'ID'), outside,
      'an out-of-scope id reads exactly as an unknown one');
    // Its API calls on a record outside the scope are refused the same way.
    const shortlist = await coach.evaluate(async (id) => (await fetch('/api/w2w.v1.MatchService/Shortlist',
      {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({vacancyId: id})})).status, openVacancy.id);
    assert.equal(shortlist, 404);
    // Revoking the token ends what its session may do at the next call.
    await call('AccessService', 'revokeToken', {id: created.token.id});
    const api = await coach.evaluate(async () => (await fetch('/api/w2w.v1.AccessService/WhoAmI',
      {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})).status);
    assert.equal(api, 401);
    await coach.context().close();
  });

  it('lists new matches in a coach\'s scope live on /meldingen, and resumes after the stream ends', async () => {
    const region = openVacancy.region;
    const created = await call('AccessService', 'createToken',
      {name: 'coach-alerts-e2e', role: 'ROLE_COACH', scope: {regions: [region]}});
    const coach = await newPage();
    const streams = recordWatches(coach);
    await login(coach, created.secret, '/meldingen');
    assert.equal(await coach.getAttribute('nav a[href="/meldingen"]', 'aria-current'), 'page', 'Meldingen is in the navigation');
    await coach.waitForSelector('#alert-status[data-state="connected"]', {timeout: LIVE_WAIT_MS});
    assert.equal(streams[0].request.inScope, true);
    assert.equal(streams[0].request.language, 'LANGUAGE_NL');
    assert.equal(streams[0].request.resumeToken, '');

    // A vacancy pushed in the coach's region: its first events list who fits it.
    const template = await call('VacancyService', 'getVacancy', {id: openVacancy.id});
    const pushAndExpect = async (id) => {
      await call('VacancyService', 'upsertVacancy', {vacancy: copyOf(template, id, {title: 'E2E live', filledPositions: 0})});
      const expected = await call('MatchService', 'shortlist', {vacancyId: id, k: 10, language: 'LANGUAGE_NL'}, created.secret);
      assert.ok(expected.matches.length > 0, `the pushed vacancy ${id} fits someone`);
      await coach.waitForFunction(([v, n]) => document.querySelectorAll(
        `#alerts tr.alert[data-vacancy="${v}"][data-kind="ENTERED_TOP_K"]`).length >= n,
      [id, expected.matches.length], {timeout: LIVE_WAIT_MS});
      const rows = await coach.$$eval(`#alerts tr.alert[data-vacancy="${id}"]`, (trs) => trs.map((tr) => ({
        candidate: tr.dataset.candidate, kind: tr.dataset.kind, time: tr.cells[0].textContent,
        vacancyHref: tr.cells[1].querySelector('a').getAttribute('href'),
        candidateHref: tr.cells[2].querySelector('a').getAttribute('href'),
        what: tr.cells[3].textContent, score: tr.cells[4].textContent,
        reasons: [...tr.cells[5].querySelectorAll('li')].map((li) => li.textContent)})));
      assert.equal(rows.length, expected.matches.length, 'one alert per candidate, none twice');
      for (const row of rows) {
        const rank = expected.matches.findIndex((m) => m.candidateId === row.candidate) + 1;
        assert.ok(rank > 0, `${row.candidate} is in the shortlist of ${id}`);
        const match = expected.matches[rank - 1];
        assert.equal(row.vacancyHref, `/vacatures/${id}`);
        assert.equal(row.candidateHref, `/kandidaten/${row.candidate}`);
        assert.match(row.what, new RegExp(`^nieuw in top 10 \\(#${rank}\\)vacature gewijzigd$`));
        assert.match(row.time, /^\d{2}:\d{2}:\d{2}$/);
        assert.ok(Math.abs(pageNumber(row.score) - match.score) < 0.0006, `score of ${row.candidate}`);
        assert.deepEqual(row.reasons, match.explanation.reasons, 'the reasons, in Dutch, as Shortlist gives them');
      }
      assert.ok(rows.some((r) => r.reasons.some((x) => /^(zelfde beroep|verwant beroep)/.test(x))), 'Dutch reasons');
      return rows;
    };
    await pushAndExpect('v-e2e-alert-1');
    await shot(coach, 'alerts');

    // The edge ends each watch after --web_watch_seconds; the page reopens it with the
    // last resume token it read (the server answers RESUMED), and keeps updating.
    // (Playwright cannot always read a streamed body, so each pair of streams whose
    // bodies it read is checked, and at least one pair must be.)
    await until(() => streams.length >= 4, WATCH_SECONDS * 5 * 1000 + LIVE_WAIT_MS, 'the page reopens its watch');
    await Promise.all(streams.slice(0, 3).map((s) => s.done));
    let checked = 0;
    for (let i = 0; i + 1 < streams.length; i++) {
      assert.notEqual(streams[i + 1].request.resumeToken, '', `stream ${i + 1} resumes`);
      assert.equal(streams[i + 1].request.inScope, true);
      const lines = streams[i].lines;
      if (!lines) continue;
      assert.equal(lines[lines.length - 1].status.code, 'DEADLINE_EXCEEDED', `stream ${i} ended by the edge`);
      assert.equal(streams[i + 1].request.resumeToken, lastToken(lines), `stream ${i + 1} resumes where ${i} stopped`);
      if (streams[i + 1].lines) assert.equal(streams[i + 1].lines[0].notice.kind, 'RESUMED');
      checked++;
    }
    assert.ok(checked > 0, 'the body of a stream was read and the next one resumed at its last token');
    await pushAndExpect('v-e2e-alert-2');
    await coach.waitForSelector('#alert-status[data-state="connected"]', {timeout: LIVE_WAIT_MS});
    assert.match(await coach.textContent('#alert-status'), /^Verbonden sinds/);
    assert.deepEqual(coach.errors, [], 'no script errors on the alerts page');
    await coach.context().close();
    for (const id of ['v-e2e-alert-1', 'v-e2e-alert-2']) await call('VacancyService', 'deleteVacancy', {id});
  });

  it('shows a vacancy\'s top 10 live on its page: a candidate entering and leaving', async () => {
    await page.goto(`${web}/vacatures/${openVacancy.id}`);
    await ready(page);
    await page.waitForSelector('#live-status[data-state="connected"]', {timeout: LIVE_WAIT_MS});
    const top = await call('MatchService', 'shortlist', {vacancyId: openVacancy.id, k: 10});
    await page.waitForFunction((n) => document.querySelectorAll('#live-top .tag').length === n, top.matches.length,
      {timeout: LIVE_WAIT_MS}).catch(async (e) => {
      throw new Error(`${e.message}; the panel: ${await page.textContent('#live')}; Shortlist: ${top.matches.map((m) => m.candidateId)}`);
    });
    assert.deepEqual(await page.$$eval('#live-top .tag a', (as) => as.map((a) => a.textContent)),
      top.matches.map((m) => m.candidateId), 'the panel starts with the top 10 Shortlist gives');
    // The trade is named in Dutch, not by its ESCO UUID.
    const trades = await call('TaxonomyService', 'listTrades', {pageSize: 1000, language: 'LANGUAGE_NL'});
    const trade = trades.trades.find((t) => t.id === openVacancy.trade || t.escoCode === openVacancy.trade);
    assert.equal(await page.textContent('#v-trade'), `${trade.label} (${trade.escoCode})`);
    assert.equal(trade.label, trade.labelNl);

    // A twin of its best candidate enters the top 10 (and pushes the 10th out).
    const best = await call('CandidateService', 'getCandidate', {id: top.matches[0].candidateId});
    await call('CandidateService', 'upsertCandidate', {candidate: copyOf(best, 'c-e2e-live')});
    const entered = await page.waitForSelector('#live-events li[data-kind="ENTERED_TOP_K"][data-candidate="c-e2e-live"]',
      {timeout: LIVE_WAIT_MS});
    assert.match(await entered.textContent(), /kandidaat c-e2e-live nieuw in top 10 \(#[12]\), score .*\(kandidaat gewijzigd\)/);
    if (top.matches.length === 10) {
      const tenth = top.matches[9].candidateId;
      const left = await page.waitForSelector(`#live-events li[data-kind="LEFT_TOP_K"][data-candidate="${tenth}"]`,
        {timeout: LIVE_WAIT_MS});
      assert.match(await left.textContent(), new RegExp(`kandidaat ${tenth} uit de top 10 \\(was #10\\)`));
    }
    await shot(page, 'vacancy-live');
    // Deleted again, it leaves.
    await call('CandidateService', 'deleteCandidate', {id: 'c-e2e-live'});
    const gone = await page.waitForSelector('#live-events li[data-kind="LEFT_TOP_K"][data-candidate="c-e2e-live"]',
      {timeout: LIVE_WAIT_MS});
    assert.match(await gone.textContent(), /uit de top 10/);
    await page.waitForFunction(() => !document.querySelector('#live-top a[href="/kandidaten/c-e2e-live"]'));
  });

  it('refuses API calls without a session or without JSON, and counts calls in /metrics', async () => {
    const anonymous = await fetch(`${web}/api/w2w.v1.AccessService/WhoAmI`,
      {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'});
    assert.equal(anonymous.status, 401);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'w2w_session');
    const form = await fetch(`${web}/api/w2w.v1.AccessService/WhoAmI`, {method: 'POST',
      headers: {'Content-Type': 'application/x-www-form-urlencoded', Cookie: `w2w_session=${cookie.value}`}, body: ''});
    assert.equal(form.status, 415, 'a cross-site form cannot call the API');
    const metrics = await (await fetch(`${web}/metrics`)).text();
    const shortlists = metrics.split('\n').find((l) => l.startsWith('w2w_rpc_calls_total{method="w2w.v1.MatchService/Shortlist",code="OK"}'));
    assert.ok(shortlists && Number(shortlists.split(' ')[1]) >= 3, `Shortlist calls counted: ${shortlists}`);
    assert.match(metrics, /^w2w_index_records\{kind="candidates"\} 3000$/m);
    assert.match(metrics, /^w2w_rematch_runs_total\{outcome="OK"\} 2$/m);
    assert.deepEqual(page.errors, [], 'no script errors on any page');
  });
});

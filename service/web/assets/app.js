// w2w web page: one small app over the JSON API of w2w-server (docs/web.md).
// Every call goes to /api/<w2w.v1 method> with the session cookie; the server calls the
// gRPC service with the session's token, so the page sees what the token may see.
// Labels are Dutch, code and names English; the server's texts (reasons, exclusion and
// rematch reasons, trade labels) are asked for in Dutch (LANGUAGE). Live alerts
// (/meldingen, a vacancy's live panel) are watches that reopen themselves (liveWatch). No framework, no external files.
'use strict';

// ---- API ------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(code, message, http) { super(message); this.code = code; this.http = http; }
}

async function api(method, body) {
  const response = await fetch('/api/' + method, {
    method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body || {}),
  });
  let json = {};
  try { json = await response.json(); } catch (e) { /* empty body */ }
  if (response.status === 401) {
    location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
    throw new ApiError('UNAUTHENTICATED', 'niet ingelogd', 401);
  }
  if (!response.ok) throw new ApiError(json.code || String(response.status), json.message || '', response.status);
  return json;
}

// A server stream: onMessage(obj) per message; resolves with the final {code, message}.
// The server writes a keep-alive line ({"keepalive":{}}, skipped here) while a stream is
// quiet; with `idleMs`, a stream that shows no sign of life for that long is aborted and
// ends UNAVAILABLE, so a dead connection is noticed. `signal` (an AbortSignal) ends it
// from outside; it then rejects with an AbortError.
async function apiStream(method, body, onMessage, {signal, idleMs} = {}) {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (signal) {
    if (signal.aborted) controller.abort();
    signal.addEventListener('abort', stop);
  }
  let silent = false;
  let timer = null;
  const alive = () => {
    if (!idleMs) return;
    clearTimeout(timer);
    timer = setTimeout(() => { silent = true; controller.abort(); }, idleMs);
  };
  alive();
  try {
    const response = await fetch('/api/stream/' + method, {
      method: 'POST', credentials: 'same-origin', signal: controller.signal,
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body || {}),
    });
    if (!response.ok) {
      let json = {};
      try { json = await response.json(); } catch (e) { /* empty */ }
      throw new ApiError(json.code || String(response.status), json.message || '', response.status);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    let final = {code: 'UNAVAILABLE', message: 'de verbinding werd verbroken'};
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      alive();
      buffered += decoder.decode(value, {stream: true});
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const message = JSON.parse(line);
        if (message.status) final = message.status; else if (!message.keepalive) onMessage(message);
      }
    }
    return final;
  } catch (e) {
    if (silent) return {code: 'UNAVAILABLE', message: 'geen teken van leven van de server'};
    throw e;
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', stop);
  }
}

// A watch (WatchService.Watch, docs/watch.md) that never silently stops: on any end of
// its stream but a logout (401 / UNAUTHENTICATED) or a refusal (an unknown id), it opens
// the stream again with the last resume token it read, so it misses nothing the server
// still keeps; after failures it waits longer each time (up to 30 s). `handlers`:
// onEvent(event), onBatch(events of one message, in order), onNotice(notice),
// onState(state, detail) with state 'connecting',
// 'connected', 'reconnecting', 'behind', 'failed' or 'login'. Returns {stop()}.
// route() stops every watch of the page it leaves.
const WATCH_IDLE_MS = 35000;  // Three keep-alive intervals of the server (10 s) and some.
const WATCH_MAX_PAUSE_MS = 30000;
let pageWatches = [];
function liveWatch(request, handlers) {
  const on = Object.assign({onEvent() {}, onBatch() {}, onNotice() {}, onState() {}}, handlers);
  const controller = new AbortController();
  let token = '';
  let failures = 0;
  const pause = (ms) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    controller.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); });
  });
  const toLogin = () => {
    on.onState('login');
    location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
  };
  (async () => {
    while (!controller.signal.aborted) {
      on.onState(token ? 'reconnecting' : 'connecting', null);
      let final;
      try {
        final = await apiStream('w2w.v1.WatchService/Watch', {...request, resumeToken: token, language: LANGUAGE}, (m) => {
          if (m.notice) {
            if (m.notice.resumeToken) token = m.notice.resumeToken;
            // PROGRESS only moves the token on (a quiet watch): nothing to show.
            if (m.notice.kind !== 'PROGRESS') {
              on.onNotice(m.notice);
              if (m.notice.kind !== 'FELL_BEHIND') { failures = 0; on.onState('connected', m.notice); }
            }
          }
          for (const e of m.events || []) {
            if (e.resumeToken) token = e.resumeToken;
            on.onEvent(e);
          }
          if ((m.events || []).length) on.onBatch(m.events);
        }, {signal: controller.signal, idleMs: WATCH_IDLE_MS});
      } catch (e) {
        if (controller.signal.aborted) return;
        final = {code: e.code || 'UNAVAILABLE', message: e.message || String(e), http: e.http};
      }
      if (controller.signal.aborted) return;
      if (final.http === 401 || final.code === 'UNAUTHENTICATED') { toLogin(); return; }
      if (final.code === 'INVALID_ARGUMENT' && /resume_token/.test(final.message)) token = '';
      else if (['INVALID_ARGUMENT', 'NOT_FOUND', 'PERMISSION_DENIED'].includes(final.code)) {
        on.onState('failed', final);
        return;
      }
      // A watch the edge ended on time (DEADLINE_EXCEEDED) or that fell behind
      // (RESOURCE_EXHAUSTED after FELL_BEHIND) comes back at once; failures wait.
      // (An HTTP 429 is the edge refusing one more stream of this session: a failure.)
      const behind = final.code === 'RESOURCE_EXHAUSTED' && final.http === undefined;
      const routine = behind || final.code === 'DEADLINE_EXCEEDED';
      if (!routine) failures++;
      const ms = routine ? 0 : Math.min(WATCH_MAX_PAUSE_MS, 1000 * 2 ** Math.min(5, failures - 1));
      on.onState(behind ? 'behind' : 'reconnecting', {...final, pauseMs: ms});
      await pause(ms);
    }
  })();
  const watch = {stop: () => controller.abort()};
  pageWatches.push(watch);
  return watch;
}

// ---- DOM helpers ----------------------------------------------------------------------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'style') el.style.cssText = value;  // CSSOM: allowed by the page's CSP.
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
const main = () => document.getElementById('main');
function show(...nodes) { main().replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false)); }
function errorBox(error) {
  return h('p', {class: 'error', role: 'alert'},
    error.http === 403 ? 'Geen toegang: ' : error.http === 404 ? 'Niet gevonden: ' : 'Fout: ',
    error.message || String(error));
}
const num = (v) => Number(v || 0);
const fmt = (v, digits = 0) => num(v).toLocaleString('nl-NL', {maximumFractionDigits: digits, minimumFractionDigits: digits});
const pct = (v) => fmt(num(v) * 100, 0) + '%';

// ---- Labels ---------------------------------------------------------------------------
// The language of every server text the page shows (w2w.v1.Language): the page is Dutch.
const LANGUAGE = 'LANGUAGE_NL';
const SECTORS = {SECTOR_ME: 'Metalektro', SECTOR_INST: 'Installatietechniek', SECTOR_PROC: 'Procestechniek',
  SECTOR_BOUW: 'Bouw', SECTOR_MVT: 'Motorvoertuigentechniek', SECTOR_OTHER: 'Overig'};
const CANDIDATE_STATUS = {CANDIDATE_STATUS_EMPLOYED: 'In dienst', CANDIDATE_STATUS_AT_RISK: 'Baan in gevaar',
  CANDIDATE_STATUS_NOTICE_GIVEN: 'Ontslag aangezegd', CANDIDATE_STATUS_BANKRUPT_EMPLOYER: 'Werkgever failliet',
  CANDIDATE_STATUS_UNEMPLOYED: 'Werkloos', CANDIDATE_STATUS_PLACED: 'Geplaatst', CANDIDATE_STATUS_UNAVAILABLE: 'Niet beschikbaar'};
const VACANCY_STATUS = {VACANCY_STATUS_OPEN: 'Open', VACANCY_STATUS_FILLED: 'Vervuld', VACANCY_STATUS_CLOSED: 'Gesloten'};
const PLACEMENT = {PLACEMENT_NOW: 'Nu plaatsbaar', PLACEMENT_AFTER_RETRAINING: 'Na omscholing',
  PLACEMENT_NOT_PLACEABLE: 'Niet plaatsbaar'};
const COMPONENTS = [['trade', 'Beroep'], ['sector', 'Sector'], ['qualifications', 'Kwalificaties'],
  ['distance', 'Afstand'], ['availability', 'Beschikbaarheid'], ['urgency', 'Urgentie']];
const label = (map, key) => map[key] || key || '-';

// Taxonomy for filters and names, fetched once.
let taxonomyPromise = null;
function taxonomy() {
  if (!taxonomyPromise) {
    taxonomyPromise = Promise.all([
      api('w2w.v1.TaxonomyService/ListRegions'), api('w2w.v1.TaxonomyService/ListClusters'),
    ]).then(([regions, clusters]) => ({regions: regions.regions, clusters: clusters.clusters}));
  }
  return taxonomyPromise;
}
// Trade labels in Dutch (ListTrades, LANGUAGE_NL), fetched once: records carry the ESCO
// occupation id (a UUID), which is no name for a person. By id and by ESCO code.
let tradesPromise = null;
function trades() {
  if (!tradesPromise) {
    tradesPromise = (async () => {
      const byKey = new Map();
      let pageToken = '';
      do {
        const page = await api('w2w.v1.TaxonomyService/ListTrades', {pageSize: 1000, pageToken, language: LANGUAGE});
        for (const t of page.trades) { byKey.set(t.id, t); byKey.set(t.escoCode, t); }
        pageToken = page.nextPageToken;
      } while (pageToken);
      return byKey;
    })().catch(() => new Map());  // Without labels the page still works: it shows the ids.
  }
  return tradesPromise;
}
// "lasser (7212.1)" for a trade id or code, the id itself when unknown.
function tradeName(byKey, key) {
  const t = byKey.get(key);
  return t ? `${t.label} (${t.escoCode})` : (key || '-');
}

function select(name, text, options, value) {
  return h('label', {}, text, h('select', {name, id: 'f-' + name},
    h('option', {value: ''}, 'Alle'),
    options.map(([v, t]) => h('option', {value: v, selected: v === value}, t))));
}

// ---- Header ---------------------------------------------------------------------------
async function renderHeader() {
  const path = location.pathname;
  const link = (href, text, active) => h('a', {href, 'aria-current': active ? 'page' : null}, text);
  const header = document.getElementById('top');
  header.replaceChildren(
    h('a', {href: '/', class: 'brand'}, 'w2w'),
    h('nav', {'aria-label': 'Hoofdmenu'},
      link('/', 'Vacatures', path === '/' || path.startsWith('/vacatures')), ' ',
      link('/kandidaten', 'Kandidaten', path.startsWith('/kandidaten')), ' ',
      link('/rematch', 'Rematch', path === '/rematch'), ' ',
      link('/rapportages', 'Rapportages', path === '/rapportages'), ' ',
      link('/inzetbaarheid', 'Inzetbaarheid', path === '/inzetbaarheid'), ' ',
      link('/meldingen', 'Meldingen', path === '/meldingen')),
    h('span', {class: 'who', id: 'who'}),
    h('form', {method: 'post', action: '/logout'}, h('button', {type: 'submit'}, 'Uitloggen')));
  try {
    const me = await api('w2w.v1.AccessService/WhoAmI');
    const regions = me.regions && me.regions.length ? ' - ' + me.regions.join(', ') : '';
    document.getElementById('who').textContent = me.token.name + ' (' + me.token.role.replace('ROLE_', '').toLowerCase() + regions + ')';
  } catch (e) { /* the page itself shows errors */ }
}

// ---- Lists: vacancies and candidates ---------------------------------------------------
async function listPage(kind) {
  const isVacancy = kind === 'vacancies';
  const tax = await taxonomy();
  const params = new URLSearchParams(location.search);
  const form = h('form', {class: 'filters', role: 'search'},
    select('region', 'Regio', tax.regions.map((r) => [r.name, r.name]), params.get('region')),
    select('cluster', 'Cluster', tax.clusters.map((c) => [c.name, c.name]), params.get('cluster')),
    select('sector', 'Sector', Object.entries(SECTORS), params.get('sector')),
    h('label', {}, 'Beroep (ESCO-code of id)', h('input', {name: 'trade', id: 'f-trade', value: params.get('trade') || '', size: 14})),
    select('status', 'Status', Object.entries(isVacancy ? VACANCY_STATUS : CANDIDATE_STATUS), params.get('status')),
    h('label', {}, isVacancy ? 'Werkgever' : 'Werkgever', h('input', {name: 'employer', id: 'f-employer', value: params.get('employer') || '', size: 12})),
    h('button', {type: 'submit'}, 'Zoeken'));
  const open = h('form', {class: 'filters', onsubmit: (e) => {
    e.preventDefault();
    const id = new FormData(e.target).get('id').trim();
    if (id) location.href = (isVacancy ? '/vacatures/' : '/kandidaten/') + encodeURIComponent(id);
  }}, h('label', {}, isVacancy ? 'Vacature openen' : 'Kandidaat openen', h('input', {name: 'id', id: 'open-id', size: 14})),
    h('button', {type: 'submit', class: 'secondary'}, 'Openen'));
  const table = h('table', {id: 'list'});
  const more = h('button', {type: 'button', class: 'secondary', hidden: true}, 'Meer laden');
  const status = h('p', {class: 'muted', 'aria-live': 'polite'});
  show(h('h1', {}, isVacancy ? 'Vacatures' : 'Kandidaten'), form, open, table, more, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) query.set(k, v);
    history.pushState(null, '', location.pathname + (query.toString() ? '?' + query : ''));
    route();
  });

  // A cluster is its regions: one listing per region, merged (no region chosen).
  const cluster = tax.clusters.find((c) => c.name === params.get('cluster'));
  const regions = params.get('region') ? [params.get('region')] : cluster ? cluster.regions : [''];
  const request = (region, pageToken) => {
    const r = {pageSize: 50, pageToken: pageToken || '', region, trade: params.get('trade') || '',
      employerId: params.get('employer') || ''};
    if (params.get('sector')) r.sector = params.get('sector');
    if (params.get('status')) r.status = params.get('status');
    return r;
  };
  const method = isVacancy ? 'w2w.v1.VacancyService/ListVacancies' : 'w2w.v1.CandidateService/ListCandidates';
  table.append(isVacancy
    ? h('tr', {}, h('th', {}, 'Vacature'), h('th', {}, 'Titel'), h('th', {}, 'Werkgever'), h('th', {}, 'Regio'),
      h('th', {}, 'Sector'), h('th', {}, 'Status'), h('th', {class: 'num'}, 'Plaatsen'))
    : h('tr', {}, h('th', {}, 'Kandidaat'), h('th', {}, 'Regio'), h('th', {}, 'Sector'), h('th', {}, 'Status'),
      h('th', {}, 'Werkgever'), h('th', {}, 'Kwalificaties')));
  let shown = 0;
  const queue = regions.map((region) => ({region, token: ''}));
  async function load() {
    more.disabled = true;
    try {
      while (queue.length) {
        const next = queue[0];
        const page = await api(method, request(next.region, next.token));
        const rows = isVacancy ? page.vacancies : page.candidates;
        for (const r of rows) {
          shown++;
          table.append(isVacancy
            ? h('tr', {}, h('td', {}, h('a', {href: '/vacatures/' + encodeURIComponent(r.id)}, r.id)), h('td', {}, r.title || '-'),
              h('td', {class: 'id'}, r.employerId), h('td', {}, r.region), h('td', {}, label(SECTORS, r.sector)),
              h('td', {}, label(VACANCY_STATUS, r.status)), h('td', {class: 'num'}, `${r.filledPositions}/${r.positions}`))
            : h('tr', {}, h('td', {}, h('a', {href: '/kandidaten/' + encodeURIComponent(r.id)}, r.id)), h('td', {}, r.region),
              h('td', {}, label(SECTORS, r.sector)), h('td', {}, label(CANDIDATE_STATUS, r.status)), h('td', {}, r.employerId || '-'),
              h('td', {}, r.qualifications.map((q) => h('span', {class: 'tag'}, q)))));
        }
        if (page.nextPageToken) next.token = page.nextPageToken; else queue.shift();
        if (rows.length) break;  // One page at a time; empty pages (scan budget) keep going.
      }
      status.textContent = `${shown} getoond` + (queue.length ? '' : ' (alles)');
      more.hidden = queue.length === 0;
    } catch (e) {
      status.replaceChildren(errorBox(e));
    }
    more.disabled = false;
  }
  more.addEventListener('click', load);
  await load();
}

// ---- Matches: a shortlist for a vacancy, vacancies for a candidate ---------------------
function scoreBar(explanation) {
  const bar = h('div', {class: 'bar', role: 'img',
    'aria-label': COMPONENTS.map(([k, t]) => `${t} ${fmt(num(explanation[k] && explanation[k].contribution) * 100, 0)}`).join(', ')});
  for (const [key, text] of COMPONENTS) {
    const c = explanation[key] || {};
    bar.append(h('span', {class: 'c-' + key, title: `${text}: ${fmt(num(c.contribution), 3)}`,
      style: `width:${Math.max(0, num(c.contribution) * 100)}%`}));
  }
  return bar;
}
function legend() {
  return h('div', {class: 'legend', 'aria-hidden': 'true'}, COMPONENTS.map(([k, t]) => h('span', {}, h('i', {class: 'c-' + k}), t)));
}
function explanationView(ex, tradeNames) {
  const e = ex.explanation || {};
  return h('div', {class: 'explanation'},
    ex.excluded ? h('p', {class: 'error'}, 'Uitgesloten: ', ex.exclusionReason) : null,
    h('p', {}, h('b', {}, 'Score ', fmt(ex.score, 3)), ' (beleidsversie ', ex.policyVersion, ')'),
    h('ul', {class: 'reasons'}, (e.reasons || []).map((r) => h('li', {}, r))),
    h('table', {class: 'components'},
      h('tr', {}, h('th', {}, 'Onderdeel'), h('th', {class: 'num'}, 'Waarde'), h('th', {class: 'num'}, 'Gewicht'), h('th', {class: 'num'}, 'Bijdrage')),
      COMPONENTS.map(([k, t]) => {
        const c = e[k] || {};
        return h('tr', {}, h('td', {}, t), h('td', {class: 'num'}, fmt(c.value, 3)), h('td', {class: 'num'}, fmt(c.weight, 3)),
          h('td', {class: 'num'}, fmt(c.contribution, 3)));
      })),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Beroep'), h('dd', {class: 'matched-trade'}, e.matchedTrade ? tradeName(tradeNames, e.matchedTrade) : '-', ' (overlap ', pct(e.tradeSimilarity), ', ', e.yearsExperience, ' jaar ervaring)'),
      h('dt', {}, 'Afstand'), h('dd', {}, fmt(e.distanceKm, 1), ' km: ', (e.candidatePlace || {}).name || '-', ' naar ', (e.vacancyPlace || {}).name || '-'),
      h('dt', {}, 'Gewenste kwalificaties'), h('dd', {}, (e.preferredHeld || []).join(', ') || '-')),
    h('h3', {}, 'Omscholingsplan'),
    (e.missing || []).length === 0 ? h('p', {}, 'Geen omscholing nodig.') :
      h('table', {class: 'plan'},
        h('tr', {}, h('th', {}, 'Kwalificatie'), h('th', {class: 'num'}, 'Weken'), h('th', {class: 'num'}, 'Kosten (EUR)')),
        e.missing.map((m) => h('tr', {}, h('td', {}, m.name || m.qualification, ' (', m.qualification, ')'),
          h('td', {class: 'num'}, fmt(m.weeks, 1)), h('td', {class: 'num'}, fmt(m.costEur)))),
        h('tr', {}, h('th', {}, 'Totaal'), h('th', {class: 'num'}, fmt(e.retrainingWeeks, 1)), h('th', {class: 'num'}, fmt(e.retrainingCostEur)))));
}

async function matchPage(kind, id) {
  const isVacancy = kind === 'vacancy';
  let record;
  try {
    record = await api(isVacancy ? 'w2w.v1.VacancyService/GetVacancy' : 'w2w.v1.CandidateService/GetCandidate', {id});
  } catch (e) { show(h('h1', {}, id), errorBox(e)); return; }
  const tradeNames = await trades();
  const facts = isVacancy
    ? h('dl', {class: 'facts'}, h('dt', {}, 'Werkgever'), h('dd', {}, record.employerId),
      h('dt', {}, 'Regio'), h('dd', {}, record.region, record.municipality ? ` (${record.municipality})` : ''),
      h('dt', {}, 'Sector'), h('dd', {}, label(SECTORS, record.sector)), h('dt', {}, 'Beroep'), h('dd', {id: 'v-trade'}, tradeName(tradeNames, record.trade)),
      h('dt', {}, 'Vereist'), h('dd', {}, record.requiredQualifications.map((q) => h('span', {class: 'tag'}, q)), record.requiredQualifications.length ? '' : '-'),
      h('dt', {}, 'Gewenst'), h('dd', {}, record.preferredQualifications.map((q) => h('span', {class: 'tag'}, q)), record.preferredQualifications.length ? '' : '-'),
      h('dt', {}, 'Status'), h('dd', {}, label(VACANCY_STATUS, record.status), `, ${record.filledPositions}/${record.positions} plaatsen vervuld`,
        record.hardToFill ? ', moeilijk vervulbaar' : ''))
    : h('dl', {class: 'facts'}, h('dt', {}, 'Regio'), h('dd', {}, record.region, record.municipality ? ` (${record.municipality})` : ''),
      h('dt', {}, 'Sector'), h('dd', {}, label(SECTORS, record.sector)), h('dt', {}, 'Status'), h('dd', {}, label(CANDIDATE_STATUS, record.status)),
      h('dt', {}, 'Werkgever'), h('dd', {}, record.employerId || '-'),
      h('dt', {}, 'Beroepen'), h('dd', {}, record.trades.map((t) => h('span', {class: 'tag'}, `${tradeName(tradeNames, t.code)}, ${t.years} jaar`))),
      h('dt', {}, 'Kwalificaties'), h('dd', {}, record.qualifications.map((q) => h('span', {class: 'tag'}, q)), record.qualifications.length ? '' : '-'),
      h('dt', {}, 'Reisafstand'), h('dd', {}, (record.maxTravelKm || 50) + ' km', record.willingToRetrain ? ', wil omscholen' : ', wil niet omscholen'));
  const params = new URLSearchParams(location.search);
  const form = h('form', {class: 'filters', id: 'match-filters'},
    isVacancy ? select('status', 'Status kandidaat', Object.entries(CANDIDATE_STATUS), params.get('status')) : null,
    h('label', {}, 'Max. weken omscholing', h('input', {name: 'weeks', id: 'f-weeks', type: 'number', min: 0, step: 1, value: params.get('weeks') || '', size: 5})),
    h('label', {}, 'Max. km', h('input', {name: 'km', id: 'f-km', type: 'number', min: 0, step: 1, value: params.get('km') || '', size: 5})),
    h('label', {}, 'Aantal', h('input', {name: 'k', id: 'f-k', type: 'number', min: 1, max: 1000, value: params.get('k') || '20', size: 5})),
    h('button', {type: 'submit'}, 'Toepassen'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) query.set(k, v);
    history.replaceState(null, '', location.pathname + '?' + query);
    loadMatches();
  });
  const table = h('table', {id: 'matches'});
  const status = h('p', {class: 'muted', 'aria-live': 'polite', id: 'match-status'});
  show(h('h1', {}, isVacancy ? `Vacature ${record.id}` : `Kandidaat ${record.id}`, record.title ? ': ' + record.title : ''),
    h('div', {class: 'card'}, facts), isVacancy ? vacancyLivePanel(record.id) : null,
    h('h2', {}, isVacancy ? 'Shortlist' : 'Beste vacatures'), form, legend(), status, table);

  async function loadMatches() {
    const p = new URLSearchParams(location.search);
    const k = Math.min(1000, Math.max(1, num(p.get('k') || 20)));
    const maxKm = num(p.get('km'));
    const filter = {maxRetrainingWeeks: num(p.get('weeks'))};
    if (isVacancy && p.get('status')) filter.statuses = [p.get('status')];
    // The distance filter is the page's: ask for more and keep those within reach.
    const request = {k: maxKm ? Math.min(1000, k * 5) : k, filter, language: LANGUAGE};
    if (isVacancy) request.vacancyId = id; else request.candidateId = id;
    status.textContent = 'Laden...';
    let answer;
    try {
      answer = await api(isVacancy ? 'w2w.v1.MatchService/Shortlist' : 'w2w.v1.MatchService/MatchCandidate', request);
    } catch (e) { status.replaceChildren(errorBox(e)); table.replaceChildren(); return; }
    let matches = answer.matches.filter((m) => !maxKm || num(m.explanation.distanceKm) <= maxKm).slice(0, k);
    status.textContent = `${matches.length} resultaten, ${fmt(isVacancy ? answer.candidatesScored : answer.vacanciesScored)} beoordeeld in ${fmt(answer.elapsedMs, 1)} ms. Kies een rij (Enter) voor de volledige uitleg.`;
    table.replaceChildren(h('tr', {}, h('th', {class: 'num'}, '#'), h('th', {}, isVacancy ? 'Kandidaat' : 'Vacature'),
      h('th', {class: 'num'}, 'Score'), h('th', {}, 'Opbouw'), h('th', {class: 'num'}, 'Afstand (km)'),
      h('th', {}, 'Ontbrekende kwalificaties'), h('th', {class: 'num'}, 'Omscholing (weken)'), h('th', {}, isVacancy ? 'Status' : 'Werkgever')));
    matches.forEach((m, i) => {
      const otherId = isVacancy ? m.candidateId : m.vacancyId;
      const e = m.explanation;
      const row = h('tr', {class: 'match', tabindex: 0, 'aria-expanded': 'false', 'data-id': otherId},
        h('td', {class: 'num'}, i + 1),
        h('td', {}, h('a', {href: (isVacancy ? '/kandidaten/' : '/vacatures/') + encodeURIComponent(otherId)}, otherId),
          !isVacancy && m.title ? ' ' + m.title : ''),
        h('td', {class: 'num score'}, fmt(m.score, 3)), h('td', {}, scoreBar(e)),
        h('td', {class: 'num'}, fmt(e.distanceKm, 1)),
        h('td', {}, (e.missing || []).map((q) => h('span', {class: 'tag missing'}, q.qualification))),
        h('td', {class: 'num'}, fmt(e.retrainingWeeks, 1)),
        h('td', {}, isVacancy ? label(CANDIDATE_STATUS, m.status) : m.employerId));
      const toggle = async (event) => {
        if (event.target.closest('a')) return;
        const open = row.nextSibling && row.nextSibling.classList && row.nextSibling.classList.contains('detail');
        if (open) { row.nextSibling.remove(); row.setAttribute('aria-expanded', 'false'); return; }
        const cell = h('td', {colspan: 8}, 'Uitleg laden...');
        row.after(h('tr', {class: 'detail'}, cell));
        row.setAttribute('aria-expanded', 'true');
        try {
          const ex = await api('w2w.v1.MatchService/ExplainMatch', isVacancy
            ? {vacancyId: id, candidateId: otherId, language: LANGUAGE} : {vacancyId: otherId, candidateId: id, language: LANGUAGE});
          cell.replaceChildren(explanationView(ex, tradeNames));
        } catch (err) { cell.replaceChildren(errorBox(err)); }
      };
      row.addEventListener('click', toggle);
      row.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); toggle(event); } });
      table.append(row);
    });
  }
  await loadMatches();
}

// ---- Live alerts: WatchService.Watch -------------------------------------------------
const ALERT_K = 10;           // The "top 10" the alerts speak of (WatchRequest.k).
const MAX_ALERTS = 200;       // The alerts list keeps the newest this many.
const MAX_PANEL_EVENTS = 50;  // A vacancy's live panel keeps the newest this many.
const WATCH_CAUSE = {WATCH_CAUSE_STARTED: 'bij de start', WATCH_CAUSE_CANDIDATE_CHANGED: 'kandidaat gewijzigd',
  WATCH_CAUSE_VACANCY_CHANGED: 'vacature gewijzigd', WATCH_CAUSE_MODEL_CHANGED: 'beleid of taxonomie gewijzigd'};
// What happened, in Dutch: "nieuw in top 10 (#3)", "uit de top 10 (was #4)", ...
function whatHappened(e) {
  switch (e.kind) {
    case 'ENTERED_TOP_K': return `nieuw in top ${ALERT_K} (#${e.rank})`;
    case 'LEFT_TOP_K': return `uit de top ${ALERT_K}` + (e.previousRank ? ` (was #${e.previousRank})` : '');
    case 'CURRENT_TOP_K': return `in top ${ALERT_K} (#${e.rank})`;
    case 'NEW_BEST_VACANCY': return e.vacancyId ? 'nieuwe beste vacature' : 'geen passende vacature meer';
    case 'CURRENT_BEST_VACANCY': return 'beste vacature';
    default: return e.kind;
  }
}
function alertTime(changedAt) {
  const t = new Date(changedAt);
  if (isNaN(t)) return '-';
  const today = new Date().toDateString() === t.toDateString();
  return t.toLocaleString('nl-NL', today ? {hour: '2-digit', minute: '2-digit', second: '2-digit'}
    : {day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit'});
}
const vacancyLink = (id) => id ? h('a', {href: '/vacatures/' + encodeURIComponent(id)}, id) : '-';
const candidateLink = (id) => id ? h('a', {href: '/kandidaten/' + encodeURIComponent(id)}, id) : '-';
// The status line of a watch, in Dutch.
function watchStatusText(state, detail) {
  const why = detail && detail.code ? ` (${detail.code}${detail.message ? ': ' + detail.message : ''})` : '';
  switch (state) {
    case 'connecting': return 'Verbinden...';
    case 'connected':
      if (detail && detail.kind === 'RESYNC') return `Verbonden sinds ${alertTime(new Date())}; opnieuw gesynchroniseerd: wat tijdens de onderbreking veranderde, kan ontbreken.`;
      return `Verbonden sinds ${alertTime(new Date())}` + (detail && detail.kind === 'RESUMED' ? ' (hervat, niets gemist)' : '') + '.';
    case 'reconnecting':
      return 'Opnieuw verbinden' + (detail && detail.pauseMs ? ` over ${Math.round(detail.pauseMs / 1000)} s` : '') + '...' + why;
    case 'behind': return 'Achtergebleven: opnieuw verbinden en de gemiste meldingen ophalen...';
    case 'failed': return 'Gestopt' + why;
    case 'login': return 'Niet meer ingelogd.';
    default: return state;
  }
}

async function alertsPage() {
  const status = h('p', {id: 'alert-status', class: 'watch-status', role: 'status', 'aria-live': 'polite'}, 'Verbinden...');
  const count = h('span', {id: 'alert-count'}, '0');
  const body = h('tbody', {});
  const table = h('table', {id: 'alerts'},
    h('thead', {}, h('tr', {}, h('th', {}, 'Tijd'), h('th', {}, 'Vacature'), h('th', {}, 'Kandidaat'), h('th', {}, 'Wat'),
      h('th', {class: 'num'}, 'Score'), h('th', {}, 'Redenen'))), body);
  const empty = h('p', {class: 'muted', id: 'alert-empty'}, 'Nog geen meldingen. Ze verschijnen hier zodra een vacature binnenkomt of een kandidaat verandert.');
  show(h('h1', {}, 'Meldingen'),
    h('p', {class: 'muted'}, `Nieuwe matches in uw bereik, live: wie in de top ${ALERT_K} van een vacature komt of eruit gaat, `,
      `vanaf het moment dat u deze pagina opent. Nieuwste bovenaan, de laatste ${MAX_ALERTS}.`),
    status, table, empty, h('p', {class: 'muted'}, count, ' meldingen ontvangen.'));
  let received = 0;
  liveWatch({inScope: true, k: ALERT_K}, {
    onState: (state, detail) => {
      status.textContent = watchStatusText(state, detail);
      status.dataset.state = state;
    },
    // Newest message first; the events of one message in their order (by rank).
    onBatch: (events) => {
      // The current state after a RESYNC is no news; the alerts are the changes.
      const news = events.filter((e) => e.kind !== 'CURRENT_TOP_K' && e.kind !== 'CURRENT_BEST_VACANCY');
      if (!news.length) return;
      received += news.length;
      count.textContent = fmt(received);
      empty.hidden = true;
      body.prepend(...news.map((e) => h('tr', {class: 'alert ' + e.kind.toLowerCase(), 'data-kind': e.kind,
        'data-vacancy': e.vacancyId, 'data-candidate': e.candidateId},
      h('td', {class: 'id'}, alertTime(e.changedAt)),
      h('td', {}, vacancyLink(e.vacancyId)),
      h('td', {}, candidateLink(e.candidateId)),
      h('td', {class: 'what'}, whatHappened(e), h('br', {}), h('span', {class: 'muted'}, label(WATCH_CAUSE, e.cause))),
      h('td', {class: 'num score'}, e.kind === 'LEFT_TOP_K' ? '-' : fmt(e.score, 3)),
      h('td', {}, h('ul', {class: 'reasons'}, (e.reasons || []).map((r) => h('li', {}, r)))))));
      while (body.rows.length > MAX_ALERTS) body.lastElementChild.remove();
    },
  });
}

// A vacancy page's live panel: its top k as it changes (entries and exits as they happen).
function vacancyLivePanel(vacancyId) {
  const status = h('p', {id: 'live-status', class: 'watch-status', role: 'status', 'aria-live': 'polite'}, 'Verbinden...');
  const top = h('p', {id: 'live-top'});
  const log = h('ul', {id: 'live-events', class: 'live-events'});
  const members = new Map();  // candidate id -> rank, the top k as the events say it.
  const renderTop = () => top.replaceChildren(h('span', {class: 'muted'}, `Nu in de top ${ALERT_K}: `),
    ...(members.size === 0 ? ['-'] : [...members].sort((a, b) => a[1] - b[1])
      .map(([c, rank]) => h('span', {class: 'tag'}, `#${rank} `, candidateLink(c)))));
  liveWatch({vacancyIds: [vacancyId], k: ALERT_K}, {
    onState: (state, detail) => {
      status.textContent = watchStatusText(state, detail);
      status.dataset.state = state;
    },
    onNotice: (n) => { if (n.kind === 'STARTED' || n.kind === 'RESYNC') { members.clear(); renderTop(); } },
    onEvent: (e) => {
      // Ranks move without events when someone enters above or leaves above (docs/watch.md),
      // so the members' ranks shift here as the entries and exits say.
      if (e.kind === 'LEFT_TOP_K' && members.has(e.candidateId)) {
        const was = members.get(e.candidateId);
        members.delete(e.candidateId);
        for (const [c, rank] of members) if (rank > was) members.set(c, rank - 1);
      } else if (e.kind === 'ENTERED_TOP_K') {
        for (const [c, rank] of members) if (rank >= e.rank) members.set(c, rank + 1);
        members.set(e.candidateId, e.rank);
      } else if (e.kind === 'CURRENT_TOP_K') {
        members.set(e.candidateId, e.rank);
      }
      renderTop();
      if (e.kind !== 'ENTERED_TOP_K' && e.kind !== 'LEFT_TOP_K') return;
      log.prepend(h('li', {class: e.kind.toLowerCase(), 'data-kind': e.kind, 'data-candidate': e.candidateId},
        h('span', {class: 'muted'}, alertTime(e.changedAt), ' '), 'kandidaat ', candidateLink(e.candidateId), ' ', whatHappened(e),
        e.kind === 'ENTERED_TOP_K' ? `, score ${fmt(e.score, 3)}` : '',
        ' ', h('span', {class: 'muted'}, '(', label(WATCH_CAUSE, e.cause), ')'),
        (e.reasons || []).length ? h('span', {class: 'muted'}, ': ' + e.reasons.join('; ')) : ''));
      while (log.children.length > MAX_PANEL_EVENTS) log.lastElementChild.remove();
    },
  });
  renderTop();
  return h('section', {class: 'card live', id: 'live', 'aria-label': 'Live: top ' + ALERT_K},
    h('h2', {}, `Live: wie komt in de top ${ALERT_K}, wie gaat eruit`), status, top, log);
}

// ---- Rematch --------------------------------------------------------------------------
let charts = [];
function chart(canvas, config) {
  if (typeof Chart === 'undefined') return null;
  config.options = Object.assign({animation: false, responsive: true, maintainAspectRatio: false}, config.options || {});
  const c = new Chart(canvas, config);
  charts.push(c);
  return c;
}

async function rematchPage() {
  const form = h('form', {class: 'filters', id: 'rematch-form'},
    h('label', {}, 'Werkgever', h('input', {name: 'employer', id: 'r-employer', size: 16})),
    h('label', {}, 'Of een lijst kandidaat-ids (bestand)', h('input', {name: 'file', id: 'r-file', type: 'file', accept: '.txt,.csv'})),
    h('label', {}, 'Werkwijze', h('select', {name: 'mode', id: 'r-mode'},
      h('option', {value: 'REMATCH_MODE_GROUP'}, 'Groep (plaatsen verdelen)'), h('option', {value: 'REMATCH_MODE_INDEPENDENT'}, 'Ieder apart'))),
    h('label', {}, 'Alternatieven', h('input', {name: 'k', id: 'r-k', type: 'number', min: 1, max: 50, value: 5, size: 4})),
    h('label', {}, 'Max. weken omscholing', h('input', {name: 'weeks', id: 'r-weeks', type: 'number', min: 0, value: '', size: 4})),
    h('label', {}, 'Omschrijving', h('input', {name: 'label', id: 'r-label', size: 24})),
    h('button', {type: 'submit', id: 'r-start'}, 'Start rematch'));
  const progress = h('progress', {id: 'r-progress', max: 1, value: 0, hidden: true, 'aria-label': 'Voortgang'});
  const status = h('p', {class: 'muted', id: 'r-status', 'aria-live': 'polite'});
  const result = h('section', {id: 'r-result'});
  show(h('h1', {}, 'Rematch van een personeelsbestand'),
    h('p', {class: 'muted'}, 'Een voorstel: er wordt niemand geplaatst en geen vacature veranderd.'), form, progress, status, result);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const selection = {};
    const file = data.get('file');
    if (file && file.size) {
      const ids = (await file.text()).split(/\r?\n/).map((l) => l.split(/[,;\t]/)[0].trim())
        .filter((x) => x && !/^(id|candidate_id)$/i.test(x));
      selection.candidateIds = {ids};
    } else if (String(data.get('employer')).trim()) {
      selection.employerId = String(data.get('employer')).trim();
    } else { status.replaceChildren(errorBox(new Error('kies een werkgever of een lijst'))); return; }
    const request = {selection, options: {k: num(data.get('k')), maxRetrainingWeeks: num(data.get('weeks')),
      mode: data.get('mode'), label: String(data.get('label') || ''), language: LANGUAGE}};
    charts.forEach((c) => c.destroy()); charts = [];
    result.replaceChildren();
    progress.hidden = false; progress.value = 0;
    document.getElementById('r-start').disabled = true;
    status.textContent = 'Gestart...';
    const people = [];
    let summary = null, run = null;
    try {
      const final = await apiStream('w2w.v1.RematchService/StartRematch', request, (event) => {
        if (event.started) run = event.started;
        if (event.progress) {
          progress.max = Math.max(1, num(event.progress.total));
          progress.value = num(event.progress.done);
          status.textContent = `${fmt(event.progress.done)} van ${fmt(event.progress.total)} (${event.progress.phase})`;
        }
        if (event.result) people.push(event.result);
        if (event.summary) summary = event.summary;
      });
      if (final.code !== 'OK') throw new ApiError(final.code, final.message);
      progress.value = progress.max;
      status.textContent = `Klaar: run ${run ? run.runId : ''}, ${fmt(summary.selected)} geselecteerd in ${fmt(summary.elapsedSeconds, 2)} s.`;
      const sectors = await workforceSectors(selection, people);
      renderSummary(result, summary, people, run, sectors);
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
    document.getElementById('r-start').disabled = false;
  });
}

// The sector each rematched person comes from (the summary has where they go): the
// employer's workforce in pages of ListCandidates, or each listed id with GetCandidate.
async function workforceSectors(selection, people) {
  const sectors = {};
  if (selection.employerId) {
    let pageToken = '';
    do {
      const page = await api('w2w.v1.CandidateService/ListCandidates', {employerId: selection.employerId, pageSize: 1000, pageToken});
      for (const c of page.candidates) sectors[c.id] = c.sector;
      pageToken = page.nextPageToken;
    } while (pageToken);
  } else {
    const ids = people.filter((p) => p.assigned && p.assigned.vacancyId).map((p) => p.candidateId);
    for (let i = 0; i < ids.length; i += 8) {
      await Promise.all(ids.slice(i, i + 8).map(async (id) => {
        try { sectors[id] = (await api('w2w.v1.CandidateService/GetCandidate', {id})).sector; } catch (e) { /* gone */ }
      }));
    }
  }
  return sectors;
}

function renderSummary(into, s, people, run, fromSector) {
  const kpi = (id, text, value) => h('div', {class: 'kpi', id}, h('b', {}, fmt(value)), text);
  const demand = s.retrainingDemand || [];
  const destinations = {};
  for (const d of s.byDestination || []) destinations[d.sector] = (destinations[d.sector] || 0) + num(d.people);
  // Moves between sectors: placed people by the sector they come from and go to.
  const flows = {};
  const sectorKeys = Object.keys(SECTORS);
  for (const p of people) {
    if (!p.assigned || !p.assigned.vacancyId || p.placement === 'PLACEMENT_NOT_PLACEABLE') continue;
    const from = fromSector[p.candidateId] || 'SECTOR_UNSPECIFIED';
    const to = p.assigned.sector;
    flows[from] = flows[from] || {};
    flows[from][to] = (flows[from][to] || 0) + 1;
  }
  const fromKeys = [...sectorKeys, 'SECTOR_UNSPECIFIED'].filter((k) => flows[k]);
  const toKeys = sectorKeys.filter((k) => fromKeys.some((f) => flows[f][k]));
  const matrix = h('table', {id: 'sector-moves'},
    h('tr', {}, h('th', {}, 'Van / naar'), toKeys.map((k) => h('th', {class: 'num'}, label(SECTORS, k)))),
    fromKeys.map((f) => h('tr', {}, h('th', {}, label(SECTORS, f)),
      toKeys.map((t) => h('td', {class: 'num' + (f !== t && flows[f][t] ? ' move' : ''), 'data-from': f, 'data-to': t}, fmt(flows[f][t] || 0))))));
  const pie = h('canvas', {id: 'chart-placement', 'aria-label': 'Plaatsbaarheid'});
  const bars = h('canvas', {id: 'chart-demand', 'aria-label': 'Omscholingsvraag per kwalificatie'});
  const moves = h('canvas', {id: 'chart-destination', 'aria-label': 'Bestemming per sector'});
  const download = h('button', {type: 'button', id: 'r-csv', class: 'secondary'}, 'Plan downloaden (CSV)');
  download.addEventListener('click', () => downloadCsv(people, run));
  into.replaceChildren(
    h('h2', {}, 'Samenvatting'),
    h('div', {class: 'kpis'}, kpi('kpi-now', 'nu plaatsbaar', s.placeableNow), kpi('kpi-retrain', 'na omscholing', s.placeableAfterRetraining),
      kpi('kpi-not', 'niet plaatsbaar', s.notPlaceable), kpi('kpi-moves', 'wisselen van sector', s.sectorMoves),
      kpi('kpi-skipped', 'overgeslagen (geplaatst of niet beschikbaar)', s.skipped)),
    h('div', {class: 'grid2'},
      h('div', {class: 'chart'}, h('h3', {}, 'Plaatsbaarheid'), h('div', {style: 'height:280px'}, pie)),
      h('div', {class: 'chart'}, h('h3', {}, 'Bestemming per sector'), h('div', {style: 'height:280px'}, moves)),
      h('div', {class: 'chart'}, h('h3', {}, 'Omscholingsvraag per kwalificatie'), h('div', {style: 'height:280px'}, bars))),
    h('h2', {}, 'Wisselingen van sector'),
    h('p', {class: 'muted'}, 'Geplaatste mensen naar de sector waar ze vandaan komen (rijen) en waar ze heen gaan (kolommen).'),
    fromKeys.length ? matrix : h('p', {}, 'Niemand geplaatst.'),
    h('h2', {}, 'Voorgestelde groepscursussen'),
    demand.length === 0 ? h('p', {}, 'Geen omscholing nodig.') :
      h('table', {id: 'courses'}, h('tr', {}, h('th', {class: 'num'}, 'Rang'), h('th', {}, 'Kwalificatie'), h('th', {class: 'num'}, 'Mensen'),
        h('th', {class: 'num'}, 'Vacatures'), h('th', {class: 'num'}, 'Weken'), h('th', {class: 'num'}, 'Kosten (EUR)'), h('th', {}, 'Regio\'s')),
      demand.map((d) => h('tr', {}, h('td', {class: 'num'}, d.rank), h('td', {}, d.name || d.qualification, ' (', d.qualification, ')'),
        h('td', {class: 'num'}, fmt(d.people)), h('td', {class: 'num'}, fmt(d.vacancies)), h('td', {class: 'num'}, fmt(d.weeks, 1)),
        h('td', {class: 'num'}, fmt(d.costEur)), h('td', {}, (d.regions || []).join(', '))))),
    h('p', {}, download));
  chart(pie, {type: 'doughnut', data: {labels: ['Nu plaatsbaar', 'Na omscholing', 'Niet plaatsbaar'],
    datasets: [{data: [num(s.placeableNow), num(s.placeableAfterRetraining), num(s.notPlaceable)], backgroundColor: ['#2e7d32', '#f0a202', '#b3261e']}]}});
  chart(bars, {type: 'bar', data: {labels: demand.map((d) => d.qualification),
    datasets: [{label: 'Mensen', data: demand.map((d) => num(d.people)), backgroundColor: '#0b5cad'},
      {label: 'Vacatures', data: demand.map((d) => num(d.vacancies)), backgroundColor: '#7fa8d6'}]}});
  chart(moves, {type: 'bar', data: {labels: Object.keys(destinations).map((k) => label(SECTORS, k)),
    datasets: [{label: 'Geplaatst in sector', data: Object.values(destinations), backgroundColor: '#9467bd'}]},
  options: {indexAxis: 'y'}});
}

function csvField(v) {
  const text = String(v === undefined || v === null ? '' : v);
  return /[",\n;]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}
function downloadCsv(people, run) {
  const lines = [['candidate_id', 'placement', 'vacancy_id', 'employer_id', 'region', 'sector', 'score',
    'retraining_weeks', 'missing_qualifications', 'reason'].join(',')];
  for (const p of people) {
    const a = p.assigned || {};
    const e = a.explanation || {};
    lines.push([p.candidateId, label(PLACEMENT, p.placement), a.vacancyId, a.employerId, a.region, a.sector ? label(SECTORS, a.sector) : '',
      a.vacancyId ? num(a.score).toFixed(3) : '', a.vacancyId ? num(e.retrainingWeeks) : '',
      (e.missing || []).map((m) => m.qualification).join(' '), p.reason].map(csvField).join(','));
  }
  const blob = new Blob([lines.join('\n') + '\n'], {type: 'text/csv'});
  const link = h('a', {href: URL.createObjectURL(blob), download: `rematch-${run ? run.runId : 'plan'}.csv`});
  document.body.append(link);
  link.click();
  link.remove();
}

// ---- Reports --------------------------------------------------------------------------
async function reportsPage() {
  const params = new URLSearchParams(location.search);
  const groupBy = params.get('by') || 'REPORT_GROUPING_REGION';
  const form = h('form', {class: 'filters'},
    h('label', {}, 'Indeling', h('select', {name: 'by', id: 'rep-by'},
      [['REPORT_GROUPING_REGION', 'Regio'], ['REPORT_GROUPING_CLUSTER', 'Cluster'], ['REPORT_GROUPING_SECTOR', 'Sector'],
        ['REPORT_GROUPING_MONTH', 'Maand']].map(([v, t]) => h('option', {value: v, selected: v === groupBy}, t)))),
    h('label', {}, 'Van', h('input', {name: 'from', type: 'date', value: params.get('from') || ''})),
    h('label', {}, 'Tot en met', h('input', {name: 'to', type: 'date', value: params.get('to') || ''})),
    h('button', {type: 'submit'}, 'Tonen'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) query.set(k, v);
    history.pushState(null, '', '/rapportages?' + query);
    route();
  });
  show(h('h1', {}, 'Rapportages'), form, h('p', {class: 'muted'}, 'Laden...'));
  let report;
  try {
    report = await api('w2w.v1.ReportService/GetReport', {groupBy, fromDate: params.get('from') || '', toDate: params.get('to') || ''});
  } catch (e) { show(h('h1', {}, 'Rapportages'), form, errorBox(e)); return; }
  charts.forEach((c) => c.destroy()); charts = [];
  const rows = report.rows;
  const rates = h('canvas', {id: 'chart-rates', 'aria-label': 'Plaatsing en werk-naar-werk per groep'});
  const counts = h('canvas', {id: 'chart-counts', 'aria-label': 'Plaatsingen en instroom per groep'});
  const t = report.total;
  show(h('h1', {}, 'Rapportages'), form,
    h('p', {class: 'muted'}, `Periode ${report.fromDate} t/m ${report.toDate}; bereik: ${report.scope}; definities: ${report.definitions}.`),
    h('div', {class: 'kpis'},
      h('div', {class: 'kpi', id: 'kpi-placements'}, h('b', {}, fmt(t.placements)), 'plaatsingen'),
      h('div', {class: 'kpi'}, h('b', {}, pct(t.placementRate)), 'geplaatst van de instroom'),
      h('div', {class: 'kpi'}, h('b', {}, pct(t.workToWorkShare)), 'van werk naar werk'),
      h('div', {class: 'kpi'}, h('b', {}, pct(t.retention6m)), 'na 6 maanden nog in dienst')),
    h('div', {class: 'grid2'},
      h('div', {class: 'chart'}, h('h3', {}, 'Plaatsing en werk-naar-werk'), h('div', {style: 'height:300px'}, rates)),
      h('div', {class: 'chart'}, h('h3', {}, 'Instroom en plaatsingen'), h('div', {style: 'height:300px'}, counts))),
    h('table', {id: 'report'},
      h('tr', {}, h('th', {}, 'Groep'), h('th', {class: 'num'}, 'Instroom'), h('th', {class: 'num'}, 'Plaatsingen'),
        h('th', {class: 'num'}, 'Plaatsing'), h('th', {class: 'num'}, 'Werk naar werk'), h('th', {class: 'num'}, 'Mediaan dagen'),
        h('th', {class: 'num'}, 'Trajecten'), h('th', {class: 'num'}, 'Behoud 6 mnd'), h('th', {class: 'num'}, 'Spanning')),
      rows.map((r) => h('tr', {}, h('td', {}, r.label || r.group), h('td', {class: 'num'}, fmt(r.entered)), h('td', {class: 'num'}, fmt(r.placements)),
        h('td', {class: 'num'}, pct(r.placementRate)), h('td', {class: 'num'}, pct(r.workToWorkShare)),
        h('td', {class: 'num'}, fmt(r.medianDaysToPlacement)), h('td', {class: 'num'}, fmt(r.tracksStarted)),
        h('td', {class: 'num'}, pct(r.retention6m)), h('td', {class: 'num'}, fmt(r.tension, 2))))));
  const labels = rows.map((r) => r.label || r.group);
  chart(rates, {type: 'bar', data: {labels, datasets: [
    {label: 'Geplaatst van instroom', data: rows.map((r) => num(r.placementRate) * 100), backgroundColor: '#0b5cad'},
    {label: 'Werk naar werk', data: rows.map((r) => num(r.workToWorkShare) * 100), backgroundColor: '#2e7d32'}]},
  options: {scales: {y: {min: 0, max: 100, title: {display: true, text: '%'}}}}});
  chart(counts, {type: 'bar', data: {labels, datasets: [
    {label: 'Instroom', data: rows.map((r) => num(r.entered)), backgroundColor: '#7fa8d6'},
    {label: 'Plaatsingen', data: rows.map((r) => num(r.placements)), backgroundColor: '#12355b'}]}});
}

// ---- Readiness (docs/readiness.md) ---------------------------------------------------
async function readinessPage() {
  const params = new URLSearchParams(location.search);
  const groupBy = params.get('by') || 'READINESS_GROUPING_EMPLOYER';
  const employerId = params.get('employer') || '';
  const form = h('form', {class: 'filters'},
    h('label', {}, 'Indeling', h('select', {name: 'by', id: 'ready-by'},
      [['READINESS_GROUPING_EMPLOYER', 'Werkgever'], ['READINESS_GROUPING_REGION', 'Regio (woonplaats)'],
        ['READINESS_GROUPING_CLUSTER', 'Cluster'], ['READINESS_GROUPING_SECTOR', 'Sector']]
        .map(([v, t]) => h('option', {value: v, selected: v === groupBy}, t)))),
    h('label', {}, 'Werkgever', h('input', {name: 'employer', value: employerId, placeholder: 'alle'})),
    h('button', {type: 'submit'}, 'Tonen'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) query.set(k, v);
    history.pushState(null, '', '/inzetbaarheid?' + query);
    route();
  });
  show(h('h1', {}, 'Inzetbaarheid'), form, h('p', {class: 'muted'}, 'Laden...'));
  let r;
  try {
    r = await api('w2w.v1.ReportService/GetReadiness', {groupBy, employerId, pageSize: 50});
  } catch (e) { show(h('h1', {}, 'Inzetbaarheid'), form, errorBox(e)); return; }
  charts.forEach((c) => c.destroy()); charts = [];
  const groups = r.groups || [];
  const t = r.total || {};
  const sh = (g, k) => num((g.shares || {})[k]);
  const canvas = h('canvas', {id: 'chart-readiness', 'aria-label': 'Inzetbaarheid per groep'});
  const detail = groups.length === 1 ? groups[0] : t;
  show(h('h1', {}, 'Inzetbaarheid'), form,
    h('p', {class: 'muted'}, `Als het personeel vandaag vrij zou komen: wie kan nu aan de slag binnen reisafstand, na ` +
      `hoeveel weken scholing, of niet. Bereik: ${r.scope}; nog te berekenen: ${fmt(r.pendingPeople)} mensen; ` +
      `definities: ${r.definitions}.`),
    h('div', {class: 'kpis'},
      h('div', {class: 'kpi', id: 'kpi-ready-now'}, h('b', {}, pct(sh(t, 'now'))), 'nu plaatsbaar'),
      h('div', {class: 'kpi'}, h('b', {}, pct(sh(t, 'within4Weeks'))), 'na hooguit 4 weken scholing'),
      h('div', {class: 'kpi'}, h('b', {}, pct(sh(t, 'within13Weeks') + sh(t, 'within26Weeks'))), 'na 5 tot 26 weken'),
      h('div', {class: 'kpi'}, h('b', {}, pct(sh(t, 'notPlaceable'))), 'niet plaatsbaar')),
    h('div', {class: 'chart'}, h('h3', {}, 'Verdeling per groep'), h('div', {style: 'height:320px'}, canvas)),
    h('table', {id: 'readiness'},
      h('tr', {}, h('th', {}, 'Groep'), h('th', {class: 'num'}, 'Mensen'), h('th', {class: 'num'}, 'Nu'),
        h('th', {class: 'num'}, '<= 4 wk'), h('th', {class: 'num'}, '<= 13 wk'), h('th', {class: 'num'}, '<= 26 wk'),
        h('th', {class: 'num'}, 'Niet'), h('th', {}, 'Berekend')),
      groups.map((g) => h('tr', {}, h('td', {}, g.label || g.group), h('td', {class: 'num'}, fmt(g.people)),
        h('td', {class: 'num'}, pct(sh(g, 'now'))), h('td', {class: 'num'}, pct(sh(g, 'within4Weeks'))),
        h('td', {class: 'num'}, pct(sh(g, 'within13Weeks'))), h('td', {class: 'num'}, pct(sh(g, 'within26Weeks'))),
        h('td', {class: 'num'}, pct(sh(g, 'notPlaceable'))), h('td', {}, (g.computedAt || '').replace('T', ' ').slice(0, 19))))),
    h('div', {class: 'grid2'},
      h('div', {}, h('h3', {}, 'Kwalificaties die de meeste mensen nu plaatsbaar maken'),
        h('table', {}, h('tr', {}, h('th', {}, 'Kwalificatie'), h('th', {class: 'num'}, 'Weken'), h('th', {class: 'num'}, 'Mensen')),
          (detail.unlocking || []).map((q) => h('tr', {}, h('td', {}, `${q.qualification} ${q.name || ''}`),
            h('td', {class: 'num'}, fmt(q.weeks, 1)), h('td', {class: 'num'}, fmt(q.people)))))),
      h('div', {}, h('h3', {}, 'Vacatures die hen zouden opnemen'),
        h('table', {}, h('tr', {}, h('th', {}, 'Vacature'), h('th', {}, 'Regio'), h('th', {class: 'num'}, 'Past bij'),
          h('th', {class: 'num'}, 'Zonder scholing')),
          (detail.absorbing || []).map((v) => h('tr', {}, h('td', {}, h('a', {href: '/vacatures/' + encodeURIComponent(v.vacancyId)}, `${v.vacancyId} ${v.title || ''}`)),
            h('td', {}, v.region), h('td', {class: 'num'}, fmt(v.fits)), h('td', {class: 'num'}, fmt(v.fitsNow))))))));
  const labels = groups.map((g) => g.label || g.group);
  const series = [['now', 'Nu', '#2e7d32'], ['within4Weeks', '<= 4 weken', '#7cb342'], ['within13Weeks', '<= 13 weken', '#f9a825'],
    ['within26Weeks', '<= 26 weken', '#ef6c00'], ['notPlaceable', 'Niet', '#c62828']];
  chart(canvas, {type: 'bar', data: {labels, datasets: series.map(([k, label, color]) =>
    ({label, data: groups.map((g) => sh(g, k) * 100), backgroundColor: color}))},
  options: {scales: {x: {stacked: true}, y: {stacked: true, min: 0, max: 100, title: {display: true, text: '%'}}}}});
}

// ---- Router ---------------------------------------------------------------------------
async function route() {
  const path = decodeURIComponent(location.pathname);
  pageWatches.forEach((w) => w.stop());
  pageWatches = [];
  renderHeader();
  let m;
  if (path === '/' || path === '/vacatures') await listPage('vacancies');
  else if (path === '/kandidaten') await listPage('candidates');
  else if ((m = path.match(/^\/vacatures\/(.+)$/))) await matchPage('vacancy', m[1]);
  else if ((m = path.match(/^\/kandidaten\/(.+)$/))) await matchPage('candidate', m[1]);
  else if (path === '/rematch') await rematchPage();
  else if (path === '/rapportages') await reportsPage();
  else if (path === '/inzetbaarheid') await readinessPage();
  else if (path === '/meldingen') await alertsPage();
  else show(h('h1', {}, 'Niet gevonden'));
  document.body.dataset.ready = '1';  // The browser tests wait for this.
}
window.addEventListener('popstate', route);
document.addEventListener('DOMContentLoaded', route);

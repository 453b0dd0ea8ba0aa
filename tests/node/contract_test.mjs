// The w2w.v1 contract from outside C++: loads the repository's proto/ at run time with
// @grpc/proto-loader (no generated code) and talks to the real w2w-server binary with
// @grpc/grpc-js. Scenarios, run in order against one server on a fresh data folder:
//   1. PushVacancies (client stream; single and packed messages, one invalid item) and
//      GetVacancy reading back what was pushed, in canonical form;
//   2. UpsertCandidate of several candidates and a Shortlist that ranks the deliberate
//      best fit first, scores non-increasing, every match explained;
//   3. StartRematch (server stream) of one employer's workforce: started, progress
//      events, one result per person, a summary consistent with the data; GetRematch agrees;
//   4. refusals: INVALID_ARGUMENT naming the field, UNAUTHENTICATED for a wrong or
//      missing token.
//
// Environment: W2W_SERVER_BIN (default <repo>/build/service/w2w-server), W2W_DATA_DIR
// (reference data, default <repo>/data), W2W_PROTO_DIR (default <repo>/proto).
// proto-loader options: keepCase (field names exactly as in the .proto files, snake_case),
// longs and enums as strings, defaults, oneofs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const SERVER_BIN = process.env.W2W_SERVER_BIN || path.join(repo, 'build', 'service', 'w2w-server');
const REFERENCE_DIR = process.env.W2W_DATA_DIR || path.join(repo, 'data');
const PROTO_DIR = process.env.W2W_PROTO_DIR || path.join(repo, 'proto');

const LISTENING_PREFIX = 'w2w-server listening on ';
const START_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;

// Reference data used below (data/esco/occupations.csv, data/qualifications.csv,
// data/municipalities_2015.csv): the same records the C++ tests use (tests/testkit/records.h).
const WELDER_CODE = '7212.3';
const WELDER_ID = '7aedaa07-3884-4c5b-88f9-80997b2aa54b';
const PIPE_WELDER_ID = '2ff73126-7aff-4233-9d9c-d8725e1c6822';
const HEATING_TECHNICIAN_CODE = '7126.4';
const HEATING_TECHNICIAN_ID = '7259dc48-004a-4ceb-aa4e-5bbd548c2397';
const VEHICLE_TECHNICIAN_CODE = '7231.10';
const VCA_BASIS = 'VCA-BASIS';
const MAG_WELDING = 'ISO9606-135';
const TIG_WELDING = 'ISO9606-141';
const FORKLIFT = 'HEFTRUCK';

const BANKRUPT_EMPLOYER = 'failliet-metaal-bv';

// ---------------------------------------------------------------------------------------
// The contract, from proto/ alone.

function loadContract() {
  const dir = path.join(PROTO_DIR, 'w2w', 'v1');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.proto')).sort()
    .map((f) => `w2w/v1/${f}`);
  assert.ok(files.length > 0, `no .proto files in ${dir}`);
  const definition = protoLoader.loadSync(files, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [PROTO_DIR],
  });
  return grpc.loadPackageDefinition(definition).w2w.v1;
}

// ---------------------------------------------------------------------------------------
// The server process.

class Server {
  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'w2w-node-test-'));
    this.dataDir = path.join(this.root, 'data');
    this.child = null;
    this.address = '';
    this.stderr = '';
    this.exit = null;  // { code, signal } once exited.
    this.exited = null;  // Promise of `exit`.
  }

  start() {
    if (!fs.existsSync(SERVER_BIN)) {
      return Promise.reject(new Error(`no server binary at ${SERVER_BIN} (set W2W_SERVER_BIN)`));
    }
    const args = ['--address=127.0.0.1:0', `--data_dir=${this.dataDir}`,
                  `--reference_dir=${REFERENCE_DIR}`];
    this.child = spawn(SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => {
      this.stderr += chunk;
      if (this.stderr.length > 200_000) this.stderr = this.stderr.slice(-100_000);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new Error(`no listening line from w2w-server within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      const lines = readline.createInterface({ input: this.child.stdout });
      let settled = false;
      const fail = (error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        lines.close();
        reject(new Error(`${error.message}\n--- server stderr ---\n${this.stderr}`));
      };
      // As tests/testkit/server_process.cc: the first stdout line is the listening line,
      // printed once serving, after the admin token was written.
      lines.once('line', (line) => {
        if (settled) return;
        if (!line.startsWith(LISTENING_PREFIX)) {
          fail(new Error(`unexpected first stdout line '${line}'`));
          return;
        }
        settled = true;
        clearTimeout(timer);
        this.address = line.slice(LISTENING_PREFIX.length).trim();
        // Keep draining stdout so the server never blocks on a full pipe.
        lines.on('line', () => {});
        resolve(this.address);
      });
      this.child.on('error', (error) => fail(error));
      this.exited.then(({ code, signal }) => {
        fail(new Error(`w2w-server exited before listening (code ${code}, signal ${signal})`));
      });
    });
  }

  adminToken() {
    const token = fs.readFileSync(path.join(this.dataDir, 'admin.token'), 'utf8').trim();
    assert.ok(token.length > 0, 'empty admin.token');
    return token;
  }

  // SIGTERM, then SIGKILL when it has not exited within the grace; the exit it had.
  async stop() {
    if (this.child !== null && this.exit === null) {
      this.child.kill('SIGTERM');
      let timer;
      const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve(null), STOP_GRACE_MS); });
      const exited = await Promise.race([this.exited, timedOut]);
      clearTimeout(timer);
      if (exited === null) {
        this.child.kill('SIGKILL');
        await this.exited;
        this.exit = { ...this.exit, killed: true };
      }
    }
    return this.exit;
  }

  removeFolder() {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Calls.

function bearer(token) {
  const metadata = new grpc.Metadata();
  if (token !== null) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function deadline(ms = CALL_TIMEOUT_MS) {
  return { deadline: new Date(Date.now() + ms) };
}

function unary(client, method, request, token) {
  return new Promise((resolve, reject) => {
    client[method](request, bearer(token), deadline(), (error, response) => {
      if (error) reject(error);
      else resolve(response);
    });
  });
}

// Writes `messages` on a client stream, half-closes, and resolves with the response.
function clientStream(client, method, messages, token) {
  return new Promise((resolve, reject) => {
    const call = client[method](bearer(token), deadline(), (error, response) => {
      if (error) reject(error);
      else resolve(response);
    });
    for (const m of messages) call.write(m);
    call.end();
  });
}

// Reads a server stream to its end: { events, status }, rejecting on an error status.
function serverStream(client, method, request, token, ms = 120_000) {
  return new Promise((resolve, reject) => {
    const events = [];
    const call = client[method](request, bearer(token), deadline(ms));
    call.on('data', (event) => events.push(event));
    call.on('error', (error) => reject(Object.assign(error, { events })));
    call.on('end', () => resolve(events));
  });
}

// Rejects with the grpc status `code`; returns the error for further checks.
async function expectStatus(promise, code) {
  let error = null;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error !== null, `expected ${grpc.status[code]}, the call succeeded`);
  assert.equal(error.code, code,
               `expected ${grpc.status[code]}, got ${grpc.status[error.code]}: ${error.details}`);
  return error;
}

// The field path of a w2w error message: what precedes the first ": " (common.proto:
// INVALID_ARGUMENT names the offending field path).
function fieldPath(message) {
  const colon = message.indexOf(': ');
  return colon < 0 ? message : message.slice(0, colon);
}

function assertNamesField(message, field) {
  const p = fieldPath(message);
  assert.ok(p === field || p.endsWith(`.${field}`),
            `message '${message}' does not name the field '${field}'`);
}

// ---------------------------------------------------------------------------------------
// Records.

const VACANCIES = {
  weld: {
    id: 'node-v-weld',
    employer_id: 'metaal-eindhoven',
    municipality: 'Eindhoven',
    sector: 'SECTOR_ME',
    trade: WELDER_CODE,  // Given as an ESCO code, stored as the UUID.
    required_qualifications: [VCA_BASIS],
    preferred_qualifications: [MAG_WELDING],
    positions: 2,
    hard_to_fill: false,
    status: 'VACANCY_STATUS_OPEN',
    title: 'Lasser MIG/MAG',
    source: 'node-test',
  },
  pipe: {
    id: 'node-v-pipe',
    employer_id: 'leidingbouw-twente',
    municipality: 'Enschede',
    sector: 'SECTOR_ME',
    trade: PIPE_WELDER_ID,
    required_qualifications: [TIG_WELDING],
    positions: 1,
    hard_to_fill: true,
    title: 'Pijplasser TIG',
    source: 'node-test',
  },
  heat: {
    id: 'node-v-heat',
    employer_id: 'installatie-helmond',
    municipality: 'Helmond',
    sector: 'SECTOR_INST',
    trade: HEATING_TECHNICIAN_CODE,
    required_qualifications: [VCA_BASIS],
    positions: 3,
    title: 'Monteur cv',
    source: 'node-test',
  },
  car: {
    id: 'node-v-car',
    employer_id: 'garage-rijnmond',
    region: 'Rijnmond',
    sector: 'SECTOR_MVT',
    trade: VEHICLE_TECHNICIAN_CODE,
    required_qualifications: [FORKLIFT],
    positions: 1,
    title: 'Automonteur',
    source: 'node-test',
  },
};
const INVALID_VACANCY = {
  id: 'node-v-bad', employer_id: 'x', region: 'Twente', sector: 'SECTOR_ME', trade: '9999.9',
};

function welder(id, overrides) {
  return {
    id,
    sector: 'SECTOR_ME',
    trades: [{ code: WELDER_CODE, years: 5 }],
    qualifications: [],
    employer_id: BANKRUPT_EMPLOYER,
    status: 'CANDIDATE_STATUS_AT_RISK',
    max_travel_km: 50,
    willing_to_retrain: true,
    source: 'node-test',
    ...overrides,
  };
}

const CANDIDATES = {
  // The deliberate best fit for node-v-weld: the same trade with full experience, every
  // required and preferred qualification, the same municipality, bankrupt employer.
  best: welder('node-c-best', {
    municipality: 'Eindhoven',
    trades: [{ code: WELDER_ID, years: 12 }],
    qualifications: [VCA_BASIS, MAG_WELDING],
    status: 'CANDIDATE_STATUS_BANKRUPT_EMPLOYER',
  }),
  // Same trade nearby but less experience, lacks the required VCA-BASIS: retraining.
  retrain: welder('node-c-retrain', {
    municipality: 'Veldhoven',
    trades: [{ code: WELDER_CODE, years: 3 }],
    status: 'CANDIDATE_STATUS_NOTICE_GIVEN',
  }),
  // An installer who also welded a little: another sector, weaker trade, employed.
  installer: welder('node-c-installer', {
    municipality: 'Helmond',
    sector: 'SECTOR_INST',
    trades: [{ code: HEATING_TECHNICIAN_ID, years: 8 }, { code: WELDER_CODE, years: 2 }],
    qualifications: [VCA_BASIS],
    employer_id: 'installatie-zuid',
    status: 'CANDIDATE_STATUS_EMPLOYED',
  }),
  // A welder in Twente who travels at most 30 km: out of reach of Eindhoven.
  far: welder('node-c-far', {
    municipality: 'Enschede',
    trades: [{ code: WELDER_ID, years: 20 }],
    qualifications: [VCA_BASIS],
    max_travel_km: 30,
    status: 'CANDIDATE_STATUS_BANKRUPT_EMPLOYER',
  }),
  // Already placed: never matched, skipped by a rematch.
  placed: welder('node-c-placed', {
    municipality: 'Eindhoven',
    trades: [{ code: WELDER_ID, years: 10 }],
    qualifications: [VCA_BASIS, MAG_WELDING],
    status: 'CANDIDATE_STATUS_PLACED',
  }),
};

// ---------------------------------------------------------------------------------------

describe('w2w.v1 contract from Node (proto-loader + grpc-js, no generated code)', () => {
  const server = new Server();
  // A test process that ends without running `after` (an uncaught error, a timeout) must
  // not leave the server or its folder behind.
  process.on('exit', () => {
    if (server.child !== null && server.exit === null) server.child.kill('SIGKILL');
    server.removeFolder();
  });
  let v1;
  let token;
  let clients;

  before(async () => {
    v1 = loadContract();
    for (const name of ['VacancyService', 'CandidateService', 'MatchService', 'RematchService',
                        'ServerInfoService', 'AccessService']) {
      assert.equal(typeof v1[name], 'function', `${name} missing from the loaded contract`);
    }
    await server.start();
    token = server.adminToken();
    const credentials = grpc.credentials.createInsecure();
    const make = (name) => new v1[name](server.address, credentials);
    clients = {
      vacancies: make('VacancyService'),
      candidates: make('CandidateService'),
      match: make('MatchService'),
      rematch: make('RematchService'),
      info: make('ServerInfoService'),
      access: make('AccessService'),
    };
    await new Promise((resolve, reject) => {
      clients.info.waitForReady(new Date(Date.now() + CALL_TIMEOUT_MS),
                                (error) => (error ? reject(error) : resolve()));
    });
    await unary(clients.info, 'Ping', {}, token);
  });

  after(async () => {
    if (clients) for (const c of Object.values(clients)) c.close();
    try {
      const exit = await server.stop();
      if (exit && (exit.killed || exit.code !== 0)) {
        process.stderr.write(`w2w-server did not stop cleanly: ${JSON.stringify(exit)}\n` +
                             `--- server stderr ---\n${server.stderr}\n`);
      }
    } finally {
      server.removeFolder();
    }
  });

  it('authenticates with the admin token from <data_dir>/admin.token', async () => {
    const me = await unary(clients.access, 'WhoAmI', {}, token);
    assert.equal(me.token.role, 'ROLE_ADMIN');
    const info = await unary(clients.info, 'GetServerInfo', {}, token);
    assert.equal(info.candidates, '0');  // uint64 as a string (longs: String).
    assert.equal(info.vacancies, '0');
    assert.equal(fs.realpathSync(info.data_dir), fs.realpathSync(server.dataDir));
  });

  it('PushVacancies streams single and packed messages; GetVacancy returns what was pushed', async (t) => {
    const { weld, pipe, heat, car } = VACANCIES;
    const messages = [
      { vacancy: weld },                 // One record per message ...
      { vacancies: [pipe, heat] },       // ... or a packed list.
      { vacancy: car },
      { vacancy: INVALID_VACANCY },      // Item 4: refused alone, the stream goes on.
    ];
    const summary = await clientStream(clients.vacancies, 'PushVacancies', messages, token);
    assert.equal(summary.received, '5');
    assert.equal(summary.committed, '4');
    assert.equal(summary.unchanged, '0');
    assert.equal(summary.rejected, '1');
    assert.equal(summary.errors.length, 1);
    const [itemError] = summary.errors;
    assert.equal(itemError.index, 4);
    assert.equal(itemError.id, INVALID_VACANCY.id);
    assert.equal(itemError.code, 'INVALID_ARGUMENT');
    assert.match(itemError.field, /trade$/);
    assert.ok(Number(summary.batches) >= 1);
    t.diagnostic(`push: received ${summary.received}, committed ${summary.committed}, rejected ${summary.rejected} `
                 + `(${itemError.field}: ${itemError.message})`);

    // The same records again: idempotent, nothing written.
    const again = await clientStream(clients.vacancies, 'PushVacancies',
                                     [{ vacancies: [weld, pipe, heat, car] }], token);
    assert.equal(again.received, '4');
    assert.equal(again.committed, '0');
    assert.equal(again.unchanged, '4');
    assert.equal(again.rejected, '0');

    const got = await unary(clients.vacancies, 'GetVacancy', { id: weld.id }, token);
    assert.equal(got.id, weld.id);
    assert.equal(got.employer_id, weld.employer_id);
    assert.equal(got.municipality, 'Eindhoven');
    assert.equal(got.region, 'Zuidoost-Brabant');  // Determined by the municipality.
    assert.equal(got.sector, 'SECTOR_ME');
    assert.equal(got.trade, WELDER_ID);            // The ESCO code stored as the UUID.
    assert.deepEqual(got.required_qualifications, [VCA_BASIS]);
    assert.deepEqual(got.preferred_qualifications, [MAG_WELDING]);
    assert.equal(got.positions, 2);
    assert.equal(got.filled_positions, 0);
    assert.equal(got.hard_to_fill, false);
    assert.equal(got.status, 'VACANCY_STATUS_OPEN');
    assert.equal(got.title, 'Lasser MIG/MAG');
    assert.equal(got.source, 'node-test');
    assert.equal(got.version, '1');
    assert.match(got.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    const car2 = await unary(clients.vacancies, 'GetVacancy', { id: car.id }, token);
    assert.equal(car2.region, 'Rijnmond');
    assert.equal(car2.status, 'VACANCY_STATUS_OPEN');  // UNSPECIFIED is stored as OPEN.
    assert.equal(car2.sector, 'SECTOR_MVT');
    const pipe2 = await unary(clients.vacancies, 'GetVacancy', { id: pipe.id }, token);
    assert.equal(pipe2.region, 'Twente');
    assert.equal(pipe2.trade, PIPE_WELDER_ID);
    assert.equal(pipe2.hard_to_fill, true);

    await expectStatus(unary(clients.vacancies, 'GetVacancy', { id: INVALID_VACANCY.id }, token),
                       grpc.status.NOT_FOUND);
    const info = await unary(clients.info, 'GetServerInfo', {}, token);
    assert.equal(info.vacancies, '4');
    assert.equal(info.open_vacancies, '4');
  });

  it('UpsertCandidate stores candidates; Shortlist ranks the best fit first, every match explained', async (t) => {
    for (const c of Object.values(CANDIDATES)) {
      const response = await unary(clients.candidates, 'UpsertCandidate', { candidate: c }, token);
      assert.equal(response.changed, true);
      assert.equal(response.candidate.id, c.id);
      assert.equal(response.candidate.version, '1');
    }
    // Idempotent retry.
    const retry = await unary(clients.candidates, 'UpsertCandidate', { candidate: CANDIDATES.best }, token);
    assert.equal(retry.changed, false);
    assert.equal(retry.candidate.version, '1');
    const stored = await unary(clients.candidates, 'GetCandidate', { id: CANDIDATES.retrain.id }, token);
    assert.equal(stored.region, 'Zuidoost-Brabant');  // Veldhoven's region.
    assert.equal(stored.trades[0].code, WELDER_ID);
    assert.equal(stored.status, 'CANDIDATE_STATUS_NOTICE_GIVEN');

    const response = await unary(clients.match, 'Shortlist',
                                 { vacancy_id: VACANCIES.weld.id, k: 10 }, token);
    const ids = response.matches.map((m) => m.candidate_id);
    t.diagnostic(`shortlist ${VACANCIES.weld.id}: `
                 + response.matches.map((m) => `${m.candidate_id} ${m.score}`).join(', '));
    assert.equal(ids[0], CANDIDATES.best.id, `best fit not first: ${ids.join(', ')}`);
    assert.ok(ids.includes(CANDIDATES.retrain.id), `retrain candidate missing: ${ids.join(', ')}`);
    assert.ok(ids.includes(CANDIDATES.installer.id), `installer missing: ${ids.join(', ')}`);
    assert.ok(!ids.includes(CANDIDATES.far.id), 'a candidate out of reach was listed');
    assert.ok(!ids.includes(CANDIDATES.placed.id), 'a PLACED candidate was listed');
    assert.equal(new Set(ids).size, ids.length, 'a candidate listed twice');
    assert.ok(Number(response.policy_version) >= 1);
    assert.ok(Number(response.candidates_scored) >= ids.length);

    for (let i = 0; i < response.matches.length; ++i) {
      const m = response.matches[i];
      assert.ok(m.score > 0 && m.score <= 1, `score ${m.score} of ${m.candidate_id}`);
      if (i > 0) {
        const previous = response.matches[i - 1];
        assert.ok(previous.score >= m.score,
                  `scores increase at ${i}: ${previous.score} < ${m.score}`);
        if (previous.score === m.score) assert.ok(previous.candidate_id < m.candidate_id);
      }
      const e = m.explanation;
      assert.ok(e !== null, `no explanation for ${m.candidate_id}`);
      assert.ok(e.reasons.length > 0, `no reasons for ${m.candidate_id}`);
      for (const r of e.reasons) assert.ok(typeof r === 'string' && r.length > 0);
      const components = ['trade', 'sector', 'qualifications', 'distance', 'availability', 'urgency'];
      let weights = 0;
      let contributions = 0;
      for (const name of components) {
        const c = e[name];
        assert.ok(c !== null, `component ${name} missing for ${m.candidate_id}`);
        assert.ok(c.value >= 0 && c.value <= 1);
        assert.ok(Math.abs(c.contribution - c.value * c.weight) < 1e-6);
        weights += c.weight;
        contributions += c.contribution;
      }
      assert.ok(Math.abs(weights - 1) < 1e-6, `weights sum to ${weights}`);
      assert.ok(Math.abs(contributions - m.score) < 1e-5,
                `contributions ${contributions} vs score ${m.score} for ${m.candidate_id}`);
      assert.equal(typeof e.distance_km, 'number');
    }

    const best = response.matches[0];
    assert.equal(best.region, 'Zuidoost-Brabant');
    assert.equal(best.sector, 'SECTOR_ME');
    assert.equal(best.status, 'CANDIDATE_STATUS_BANKRUPT_EMPLOYER');
    assert.equal(best.explanation.matched_trade, WELDER_ID);
    assert.equal(best.explanation.trade_similarity, 1);
    assert.equal(best.explanation.missing.length, 0);
    assert.deepEqual(best.explanation.preferred_held, [MAG_WELDING]);
    assert.equal(best.explanation.distance_km, 0);
    assert.equal(best.explanation.candidate_place.basis, 'LOCATION_BASIS_MUNICIPALITY');
    assert.equal(best.explanation.candidate_place.name, 'Eindhoven');

    const retrain = response.matches.find((m) => m.candidate_id === CANDIDATES.retrain.id);
    assert.deepEqual(retrain.explanation.missing.map((s) => s.qualification), [VCA_BASIS]);
    assert.equal(retrain.explanation.missing[0].required, true);
    assert.ok(retrain.explanation.retraining_weeks > 0);
    assert.ok(retrain.explanation.retraining_cost_eur > 0);
    assert.ok(retrain.score < best.score);

    // The statuses filter narrows the list without changing scores.
    const filtered = await unary(clients.match, 'Shortlist', {
      vacancy_id: VACANCIES.weld.id, k: 10,
      filter: { statuses: ['CANDIDATE_STATUS_NOTICE_GIVEN'] },
    }, token);
    assert.deepEqual(filtered.matches.map((m) => m.candidate_id), [CANDIDATES.retrain.id]);
    assert.equal(filtered.matches[0].score, retrain.score);

    const info = await unary(clients.info, 'GetServerInfo', {}, token);
    assert.equal(info.candidates, String(Object.keys(CANDIDATES).length));
  });

  it('StartRematch streams started, progress, one result per person and a consistent summary', async (t) => {
    const workforce = Object.values(CANDIDATES).filter((c) => c.employer_id === BANKRUPT_EMPLOYER);
    const rematched = workforce.filter((c) => c.status !== 'CANDIDATE_STATUS_PLACED');
    const request = {
      selection: { employer_id: BANKRUPT_EMPLOYER },
      options: { k: 3, mode: 'REMATCH_MODE_GROUP', label: 'Faillissement (node contract test)' },
    };
    const events = await serverStream(clients.rematch, 'StartRematch', request, token);
    const kinds = events.map((e) => e.event);  // The oneof's case (oneofs: true).
    t.diagnostic(`rematch events: ${kinds.join(' ')}`);
    assert.ok(events.length >= 4, `only ${kinds.join(', ')}`);
    assert.equal(kinds[0], 'started');
    assert.equal(kinds[kinds.length - 1], 'summary');
    assert.equal(kinds.filter((k) => k === 'started').length, 1);
    assert.equal(kinds.filter((k) => k === 'summary').length, 1);

    const started = events[0].started;
    assert.match(started.run_id, /\S/);
    assert.equal(started.state, 'REMATCH_STATE_RUNNING');
    assert.equal(started.selection.employer_id, BANKRUPT_EMPLOYER);
    assert.equal(started.options.mode, 'REMATCH_MODE_GROUP');
    assert.equal(started.options.k, 3);

    const progress = events.filter((e) => e.event === 'progress').map((e) => e.progress);
    assert.ok(progress.length >= 1, `no progress events: ${kinds.join(', ')}`);
    const firstResult = kinds.indexOf('result');
    assert.ok(kinds.indexOf('progress') < firstResult, 'no progress before the first result');
    for (const p of progress) {
      assert.ok(['scoring', 'assigning', 'summarising'].includes(p.phase), `phase ${p.phase}`);
      assert.ok(Number(p.done) <= Number(p.total), `done ${p.done} > total ${p.total}`);
      assert.ok(p.elapsed_seconds >= 0);
    }
    assert.ok(progress.some((p) => p.phase === 'scoring'
                                   && Number(p.total) === rematched.length));

    const results = events.filter((e) => e.event === 'result').map((e) => e.result);
    assert.deepEqual(results.map((r) => r.candidate_id).sort(), rematched.map((c) => c.id).sort());
    const count = (placement) => results.filter((r) => r.placement === placement).length;
    const seats = new Map();
    for (const r of results) {
      if (r.placement === 'PLACEMENT_NOT_PLACEABLE') {
        assert.equal(r.assigned, null);
        assert.match(r.reason, /\S/);
      } else {
        assert.ok(r.assigned !== null, `no assigned vacancy for ${r.candidate_id}`);
        seats.set(r.assigned.vacancy_id, (seats.get(r.assigned.vacancy_id) || 0) + 1);
      }
      assert.ok(r.alternatives.length <= 3);
    }
    const positions = Object.fromEntries(Object.values(VACANCIES).map((v) => [v.id, v.positions]));
    for (const [id, n] of seats) assert.ok(n <= positions[id], `${n} people on ${id}'s seats`);

    const byId = Object.fromEntries(results.map((r) => [r.candidate_id, r]));
    const best = byId[CANDIDATES.best.id];
    assert.equal(best.placement, 'PLACEMENT_NOW');
    assert.equal(best.assigned.vacancy_id, VACANCIES.weld.id);
    const retrain = byId[CANDIDATES.retrain.id];
    assert.equal(retrain.placement, 'PLACEMENT_AFTER_RETRAINING');
    assert.equal(retrain.assigned.vacancy_id, VACANCIES.weld.id);

    const summary = events[events.length - 1].summary;
    t.diagnostic(`rematch summary: selected ${summary.selected}, skipped ${summary.skipped}, now ${summary.placeable_now}, `
                 + `after retraining ${summary.placeable_after_retraining}, not placeable ${summary.not_placeable}`);
    assert.equal(summary.selected, String(workforce.length));
    assert.equal(summary.skipped, String(workforce.length - rematched.length));
    assert.equal(summary.placeable_now, String(count('PLACEMENT_NOW')));
    assert.equal(summary.placeable_after_retraining, String(count('PLACEMENT_AFTER_RETRAINING')));
    assert.equal(summary.not_placeable, String(count('PLACEMENT_NOT_PLACEABLE')));
    assert.equal(Number(summary.placeable_now) + Number(summary.placeable_after_retraining)
                 + Number(summary.not_placeable), rematched.length);
    const placed = results.filter((r) => r.assigned !== null);
    const totalScore = placed.reduce((sum, r) => sum + r.assigned.score, 0);
    assert.ok(Math.abs(summary.total_score - totalScore) < 1e-5,
              `total_score ${summary.total_score} vs ${totalScore}`);
    const destinations = summary.by_destination.reduce((sum, d) => sum + Number(d.people), 0);
    assert.equal(destinations, placed.length);
    assert.ok(Number(summary.pairs_scored) >= placed.length);
    assert.equal(summary.exact, true);
    // The retraining demand names VCA-BASIS for the welder who lacks it.
    assert.ok(summary.retraining_demand.some((d) => d.qualification === VCA_BASIS),
              JSON.stringify(summary.retraining_demand));

    // The run as stored agrees with the stream.
    const run = await unary(clients.rematch, 'GetRematch',
                            { run_id: started.run_id, include_results: true }, token);
    assert.equal(run.state, 'REMATCH_STATE_FINISHED');
    assert.deepEqual(run.summary, summary);
    assert.deepEqual(run.results.map((r) => r.candidate_id).sort(),
                     results.map((r) => r.candidate_id).sort());
    const list = await unary(clients.rematch, 'ListRematches', {}, token);
    assert.equal(list.runs[0].run_id, started.run_id);
  });

  it('a bad request is INVALID_ARGUMENT naming the field', async (t) => {
    const badTrade = { ...CANDIDATES.best, id: 'node-c-bad', trades: [{ code: '9999.9', years: 1 }] };
    let error = await expectStatus(
      unary(clients.candidates, 'UpsertCandidate', { candidate: badTrade }, token),
      grpc.status.INVALID_ARGUMENT);
    assertNamesField(error.details, 'trades[0].code');
    t.diagnostic(`bad trade: ${error.details}`);

    const badRegion = { ...CANDIDATES.retrain, id: 'node-c-bad', municipality: '', region: 'Atlantis' };
    error = await expectStatus(
      unary(clients.candidates, 'UpsertCandidate', { candidate: badRegion }, token),
      grpc.status.INVALID_ARGUMENT);
    assertNamesField(error.details, 'region');

    error = await expectStatus(
      unary(clients.match, 'Shortlist', { vacancy_id: VACANCIES.weld.id, k: 1001 }, token),
      grpc.status.INVALID_ARGUMENT);
    assertNamesField(error.details, 'k');
    t.diagnostic(`bad k: ${error.details}`);
    assert.match(error.details, /1000/);  // The maximum is named.

    // Nothing of it was stored.
    await expectStatus(unary(clients.candidates, 'GetCandidate', { id: 'node-c-bad' }, token),
                       grpc.status.NOT_FOUND);
  });

  it('a wrong or missing token is UNAUTHENTICATED', async () => {
    const wrong = 'not-the-token-' + token.slice(0, 8);
    await expectStatus(unary(clients.info, 'Ping', {}, wrong), grpc.status.UNAUTHENTICATED);
    await expectStatus(unary(clients.match, 'Shortlist', { vacancy_id: VACANCIES.weld.id }, wrong),
                       grpc.status.UNAUTHENTICATED);
    await expectStatus(unary(clients.info, 'Ping', {}, null), grpc.status.UNAUTHENTICATED);
    await expectStatus(
      clientStream(clients.vacancies, 'PushVacancies', [{ vacancy: VACANCIES.weld }], wrong),
      grpc.status.UNAUTHENTICATED);
    await expectStatus(
      serverStream(clients.rematch, 'StartRematch',
                   { selection: { employer_id: BANKRUPT_EMPLOYER } }, wrong),
      grpc.status.UNAUTHENTICATED);
    // The right token still works.
    await unary(clients.info, 'Ping', {}, token);
  });
});

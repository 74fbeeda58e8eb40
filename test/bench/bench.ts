/**
 * `npm run bench`: how fast azsess is where speed matters, as ratios against baselines measured in
 * the same run (bare `node -e 0`, the identity provider's own time), so the figures mean the same
 * on a slow or a fast machine. Prints a Markdown table for docs/performance.md. Never part of
 * `npm test`.
 *
 *   BENCH_ROUNDS (default 60), BENCH_HERD (default 64), BENCH_HERD_ROUNDS (default 5)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expireStoredTokens, readStoredSessions } from '../support/idp-session.js';
import { azsessBin, distTest, dockerHelperBin } from '../support/paths.js';
import { herd, interleaved, median, timeRun, type Command } from './measure.js';
import { keychainHome, type KeychainHome } from './keychain-home.js';
import { serveRows } from './serve-bench.js';
import { setUpWorld, type BenchWorld } from './setup.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 60);
const herdSize = Number(process.env.BENCH_HERD ?? 64);
const herdRounds = Number(process.env.BENCH_HERD_ROUNDS ?? 5);
const node = process.execPath;

interface Row {
  what: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

function azOnPath(): boolean {
  try {
    execFileSync('az', ['version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

async function cacheHits(w: BenchWorld, withAz: boolean, keychain: KeychainHome | undefined): Promise<Row[]> {
  const commands: Command[] = [
    { name: 'node', cmd: node, args: ['-e', '0'], env: w.env },
    { name: 'token', cmd: node, args: [azsessBin, 'token'], env: w.env },
    { name: 'git', cmd: node, args: [azsessBin, 'git-credential', 'get'], env: w.env, input: w.gitInput },
    { name: 'docker', cmd: node, args: [dockerHelperBin, 'get'], env: w.env, input: w.registry },
  ];
  // The same hit on a copy of the home sealed in a gnome-keyring: one keychain read is its floor.
  if (keychain) commands.push({ name: 'keychain', cmd: node, args: [azsessBin, 'token'], env: keychain.env });
  // az cannot answer faster than it starts and finds no account: a lower bound of its cache hit.
  const azHome = withAz ? mkdtempSync(join(tmpdir(), 'az-')) : undefined;
  if (azHome) commands.push({ name: 'az', cmd: 'az', args: ['account', 'get-access-token'], env: { ...w.env, HOME: azHome }, anyExit: true });
  let m: Awaited<ReturnType<typeof interleaved>>;
  try {
    m = await interleaved(commands, rounds);
  } finally {
    if (azHome) rmSync(azHome, { recursive: true, force: true });
  }
  const base = `${ms(m.node!)} (\`node -e 0\`)`;
  const rows: Row[] = [
    { what: `cache hit: \`azsess token\`, median of ${rounds}`, value: ms(m.token!), baseline: base, ratio: ratio(m.token!, m.node!), target: '≤ 1.15x' },
    { what: 'cache hit: `azsess git-credential get`', value: ms(m.git!), baseline: base, ratio: ratio(m.git!, m.node!), target: '≤ 1.2x' },
    { what: 'cache hit: `docker-credential-azsess get`', value: ms(m.docker!), baseline: base, ratio: ratio(m.docker!, m.node!), target: '≤ 1.2x' },
  ];
  if (keychain) {
    rows.push({
      what: 'cache hit: `azsess token`, `--token-store keychain` home (gnome-keyring)',
      value: ms(m.keychain!),
      baseline: `${ms(m.token!)} (\`azsess token\` cache hit, file home)`,
      ratio: ratio(m.keychain!, m.token!),
      target: 'one keychain read more',
    });
  }
  if (withAz) {
    rows.push({
      what: '`az account get-access-token` (lower bound: no account, so no token work)',
      value: ms(m.az!),
      baseline: `${ms(m.token!)} (\`azsess token\` cache hit)`,
      ratio: ratio(m.az!, m.token!),
      target: 'azsess several times faster',
    });
  }
  return rows;
}

async function peakRss(args: string[], env: Record<string, string>, runs = 10): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'azsess-rss-'));
  const file = join(dir, 'rss');
  const hook = join(distTest, 'bench', 'rss-hook.js');
  try {
    for (let i = 0; i < runs; i++) await timeRun({ cmd: node, args: ['--import', hook, ...args], env: { ...env, AZSESS_BENCH_RSS_FILE: file } });
    const values = readFileSync(file, 'utf8').trim().split('\n').map(Number);
    return median(values) / 1024;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function memory(w: BenchWorld): Promise<Row> {
  const rss = await peakRss([azsessBin, 'token'], w.env);
  const bare = await peakRss(['-e', '0'], w.env);
  const more = `+${(rss - bare).toFixed(1)} MiB`;
  return { what: 'cache hit: `azsess token`, peak RSS (median of 10)', value: `${rss.toFixed(1)} MiB`, baseline: `${bare.toFixed(1)} MiB (\`node -e 0\`)`, ratio: more, target: '≤ +3 MiB' };
}

/** The provider's own time for one refresh grant, asked directly (no azsess, no process start). */
async function providerRefresh(w: BenchWorld): Promise<number> {
  const session = readStoredSessions(w.home).find((s) => s.refreshToken !== '')!;
  const started = process.hrtime.bigint();
  const res = await fetch(`${w.idp.url}/${w.idp.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: w.idp.publicClientId, refresh_token: session.refreshToken, scope: session.scope.join(' ') }),
  });
  await res.text();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function refresh(w: BenchWorld): Promise<Row[]> {
  const azsess: number[] = [];
  const provider: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < Math.max(5, Math.floor(rounds / 2)); i++) {
    provider.push(await providerRefresh(w));
    bare.push((await timeRun({ cmd: node, args: ['-e', '0'], env: w.env })).ms);
    expireStoredTokens(w.home);
    await w.idp.reset();
    azsess.push((await timeRun({ cmd: node, args: [azsessBin, 'token'], env: w.env })).ms);
    if ((await w.idp.count({ endpoint: 'token' })) !== 1) throw new Error('a refresh made more than one request');
  }
  const [a, p, b] = [median(azsess), median(provider), median(bare)];
  return [
    {
      what: '`azsess token` on an expired session (one refresh request)',
      value: ms(a),
      baseline: `${ms(b + p)} (\`node -e 0\` + the provider's ${ms(p)})`,
      ratio: ratio(a, b + p),
      target: '≤ 2.5x',
    },
  ];
}

async function expiredHerd(w: BenchWorld): Promise<Row[]> {
  const azsessTimes: number[] = [];
  const hitTimes: number[] = [];
  const bareTimes: number[] = [];
  const requests: number[] = [];
  for (let i = 0; i < herdRounds; i++) {
    expireStoredTokens(w.home);
    await w.idp.reset();
    const run = await herd({ cmd: node, args: [azsessBin, 'token'], env: w.env }, herdSize);
    if (run.runs.some((r) => r.code !== 0)) throw new Error('a herd member failed');
    if (new Set(run.runs.map((r) => r.stdout)).size !== 1) throw new Error('the herd printed different tokens');
    azsessTimes.push(run.ms);
    requests.push(await w.idp.count({ endpoint: 'token' }));
    // The same herd on the token it just stored: the floor that start-up alone sets.
    hitTimes.push((await herd({ cmd: node, args: [azsessBin, 'token'], env: w.env }, herdSize)).ms);
    bareTimes.push((await herd({ cmd: node, args: ['-e', '0'], env: w.env }, herdSize)).ms);
  }
  const [a, h, b] = [median(azsessTimes), median(hitTimes), median(bareTimes)];
  const bareLabel = `${b.toFixed(0)} ms (${herdSize} concurrent \`node -e 0\`)`;
  return [
    { what: `${herdSize} concurrent \`azsess token\` on an expired session, median of ${herdRounds}`, value: `${a.toFixed(0)} ms`, baseline: bareLabel, ratio: ratio(a, b), target: '≤ 1.4x' },
    { what: `${herdSize} concurrent \`azsess token\`, all cache hits (the floor for the herd)`, value: `${h.toFixed(0)} ms`, baseline: bareLabel, ratio: ratio(h, b), target: '' },
    { what: 'requests at the identity provider per herd', value: requests.join(', '), baseline: '', ratio: '', target: '1' },
  ];
}

function table(rows: Row[]): string {
  const lines = ['| Measure | azsess | Baseline | Ratio | Target |', '| --- | ---: | ---: | ---: | --- |'];
  for (const r of rows) lines.push(`| ${r.what} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} |`);
  return lines.join('\n');
}

// The machine may be shared: its load, before and after, says how far to trust the figures.
const loadAtStart = loadavg()[0]!;
const world = await setUpWorld();
const keychain = await keychainHome(world);
try {
  const withAz = azOnPath();
  const rows = [...(await cacheHits(world, withAz, keychain)), await memory(world), ...(await refresh(world)), ...(await expiredHerd(world)), ...(await serveRows(world, withAz, Math.max(5, Math.floor(rounds / 3))))];
  const load = `load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${load}`;
  const missing = [withAz ? '' : '; the Azure CLI is not installed, so it is not compared', keychain ? '' : '; gnome-keyring is not installed, so the keychain home is not measured'].join('');
  const report = `${table(rows)}\n\nMachine: ${machine}${missing}. Command: \`npm run bench\`.\n`;
  process.stdout.write(report);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, report);
} finally {
  await keychain?.close();
  await world.close();
}

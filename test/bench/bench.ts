/**
 * `npm run bench`: how fast azsess is where speed matters, as ratios against a baseline measured
 * in the same run (bare `node -e 0`), so the figures mean the same on a slow or a fast machine.
 * Prints a Markdown table for docs/performance.md. Never part of `npm test`.
 *
 *   BENCH_ROUNDS (default 30), BENCH_HERD (default 64), BENCH_HERD_ROUNDS (default 3)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestIdp, type TestIdp } from '../idp/index.js';
import { expireStoredTokens, withDeviceCodeApproval } from '../support/idp-session.js';
import { azsessBin, distTest } from '../support/paths.js';
import { herd, interleaved, median, timeRun } from './measure.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const herdSize = Number(process.env.BENCH_HERD ?? 64);
const herdRounds = Number(process.env.BENCH_HERD_ROUNDS ?? 3);
const node = process.execPath;

interface Row {
  what: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

async function signIn(idp: TestIdp, userHome: string, env: Record<string, string>): Promise<void> {
  const r = await withDeviceCodeApproval(idp, ['login', '--protocol', 'device-code'], { userHome, env });
  if (r.code !== 0) throw new Error(`sign-in failed: ${r.stderr}`);
}

async function peakRss(args: string[], env: Record<string, string>, runs = 10): Promise<number> {
  const file = join(mkdtempSync(join(tmpdir(), 'azsess-rss-')), 'rss');
  const hook = join(distTest, 'bench', 'rss-hook.js');
  for (let i = 0; i < runs; i++) await timeRun(node, ['--import', hook, ...args], { ...env, AZSESS_BENCH_RSS_FILE: file });
  const values = readFileSync(file, 'utf8').trim().split('\n').map(Number);
  rmSync(file, { force: true });
  return median(values) / 1024;
}

async function cacheHit(env: Record<string, string>): Promise<Row[]> {
  const medians = await interleaved(
    [
      { name: 'node', cmd: node, args: ['-e', '0'], env },
      { name: 'azsess', cmd: node, args: [azsessBin, 'token'], env },
    ],
    rounds,
  );
  const rss = await peakRss([azsessBin, 'token'], env);
  const bareRss = await peakRss(['-e', '0'], env);
  return [
    {
      what: `cache-hit \`azsess token\`, median of ${rounds}`,
      value: `${medians.azsess!.toFixed(1)} ms`,
      baseline: `${medians.node!.toFixed(1)} ms (\`node -e 0\`)`,
      ratio: ratio(medians.azsess!, medians.node!),
      target: '≤ 1.4x',
    },
    {
      what: 'cache-hit `azsess token`, peak RSS (median of 10)',
      value: `${rss.toFixed(1)} MiB`,
      baseline: `${bareRss.toFixed(1)} MiB (\`node -e 0\`)`,
      ratio: ratio(rss, bareRss),
      target: '≤ 50 MiB',
    },
  ];
}

async function expiredHerd(idp: TestIdp, home: string, env: Record<string, string>): Promise<Row[]> {
  const azsessTimes: number[] = [];
  const bareTimes: number[] = [];
  const requests: number[] = [];
  for (let i = 0; i < herdRounds; i++) {
    expireStoredTokens(home);
    idp.requests.reset();
    const run = await herd(node, [azsessBin, 'token'], env, herdSize);
    if (run.runs.some((r) => r.code !== 0)) throw new Error('a herd member failed');
    if (new Set(run.runs.map((r) => r.stdout)).size !== 1) throw new Error('the herd printed different tokens');
    azsessTimes.push(run.ms);
    requests.push(idp.requests.count({ endpoint: 'token' }));
    bareTimes.push((await herd(node, ['-e', '0'], env, herdSize)).ms);
  }
  const a = median(azsessTimes);
  const b = median(bareTimes);
  return [
    {
      what: `${herdSize} concurrent \`azsess token\` on an expired session, median of ${herdRounds}`,
      value: `${a.toFixed(0)} ms`,
      baseline: `${b.toFixed(0)} ms (${herdSize} concurrent \`node -e 0\`)`,
      ratio: ratio(a, b),
      target: '≤ 1.3x',
    },
    {
      what: 'requests at the identity provider per herd',
      value: requests.join(', '),
      baseline: '',
      ratio: '',
      target: '1',
    },
  ];
}

function table(rows: Row[]): string {
  const lines = ['| Measure | azsess | Baseline | Ratio | Target |', '| --- | ---: | ---: | ---: | --- |'];
  for (const r of rows) lines.push(`| ${r.what} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} |`);
  return lines.join('\n');
}

const idp = await startTestIdp();
const userHome = mkdtempSync(join(tmpdir(), 'azsess-bench-'));
const home = join(userHome, '.azsessions');
const env = {
  PATH: process.env.PATH ?? '',
  HOME: userHome,
  AZURE_AUTHORITY_HOST: idp.url,
  AZURE_TENANT_ID: idp.tenantId,
  AZURE_CLIENT_ID: idp.publicClientId,
};
try {
  await signIn(idp, userHome, env);
  const rows = [...(await cacheHit(env)), ...(await expiredHerd(idp, home, env))];
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const report = `${table(rows)}\n\nMachine: ${machine}. Command: \`npm run bench\`.\n`;
  process.stdout.write(report);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, report);
} finally {
  await idp.close();
  rmSync(userHome, { recursive: true, force: true });
}

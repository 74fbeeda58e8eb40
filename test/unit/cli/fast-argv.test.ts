import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { specOf } from '../../../src/cli/command-builder.js';
import { completionSpec } from '../../../src/cli/commands/completion.js';
import { gitCredentialCommand } from '../../../src/cli/commands/git-credential.js';
import { gitCredentialSpec } from '../../../src/cli/commands/git-credential-spec.js';
import { tokenCommand } from '../../../src/cli/commands/token.js';
import { tokenSpec } from '../../../src/cli/commands/token-spec.js';
import { processContext } from '../../../src/cli/context.js';
import { parseFastGitCredentialArgs, parseFastTokenArgs, parseWithSpec } from '../../../src/cli/fast-argv.js';
import { defaultsOf, type CommandSpec } from '../../../src/cli/option-spec.js';
import { buildProgram } from '../../../src/cli/program.js';
import { commonOptions } from '../../../src/cli/shared-options.js';

/**
 * Structural: every command commander runs is made of its spec (cli/option-spec.ts), option by
 * option, with the same key, parser, choices, default, help and visibility, and nothing else; a
 * command built by hand has no spec and fails here. So the fast path, which reads the same specs,
 * parses what commander parses. The differential test (test/fuzz/fast-path.fuzz.test.ts) runs
 * both on generated command lines.
 */
const fastPathSpecs: CommandSpec[] = [tokenSpec, gitCredentialSpec];

test("the program's own options, which commander takes wherever they stand, are those the fast path takes first", () => {
  const program = buildProgram(processContext());
  assert.deepEqual(program.options.map((o) => o.flags), ['--version', ...commonOptions.map((o) => o.flags)]);
});

/** Every command below the program, with its path (`setup git`). */
function commandsOf(cmd: Command, path: string[] = []): Array<{ path: string; cmd: Command }> {
  return cmd.commands.flatMap((sub) => {
    const subPath = [...path, sub.name()];
    return [{ path: subPath.join(' '), cmd: sub }, ...commandsOf(sub, subPath)];
  });
}

const commands = commandsOf(buildProgram(processContext()));

test('the tree has every command, each group with its subcommands', () => {
  assert.deepEqual(
    commands.map((c) => c.path),
    ['token', 'login', 'status', 'write-manifest', 'clear-cache', 'scrub', 'git-credential', 'setup', 'setup git', 'setup docker', 'setup kubectl', 'setup az', 'import', 'import az', 'serve', 'completion'],
  );
});

for (const { path, cmd } of commands) {
  test(`commander's ${path} is its spec, option by option`, () => {
    const spec = specOf(cmd);
    assert.ok(spec, `azsess ${path} is built by hand: build it from a spec with cli/command-builder.ts`);
    assert.equal(cmd.name(), spec.name);
    assert.equal(cmd.description(), spec.description);
    assert.deepEqual(cmd.options.map((o) => o.flags), spec.options.map((o) => o.flags), 'the same options, in the same order');
    cmd.options.forEach((option, i) => {
      const want = spec.options[i]!;
      assert.equal(option.attributeName(), want.key, option.flags);
      assert.equal(option.description, want.help, option.flags);
      assert.equal(option.defaultValue, want.default, option.flags);
      assert.equal(option.hidden, want.hidden ?? false, `${option.flags}: hidden as the spec says`);
      if (want.parse) assert.equal(option.parseArg, want.parse, `${option.flags}: the spec's parser`);
      else assert.deepEqual(option.argChoices, want.choices, `${option.flags}: the spec's choices`);
      if (!want.parse && !want.choices) assert.equal(option.parseArg, undefined, `${option.flags}: no parser of its own`);
    });
    assert.deepEqual(cmd.opts(), defaultsOf(spec.options), 'the same values before any flag');
    const argument = spec.argument;
    assert.deepEqual(
      cmd.registeredArguments.map((a) => ({ name: a.name(), help: a.description, choices: a.argChoices })),
      argument ? [{ name: argument.name.slice(1, -1), help: argument.help, choices: [...argument.choices] }] : [],
    );
    if (argument) {
      // Any word is taken unless the spec says only its choices are, as the fast path does.
      const parse = cmd.registeredArguments[0]!.parseArg!;
      const other = () => parse('no-such-choice', undefined);
      if (argument.onlyChoices) assert.throws(other);
      else assert.equal(other(), 'no-such-choice');
    }
  });
}

for (const spec of fastPathSpecs) {
  test(`the fast path's ${spec.name} is the spec commander runs`, () => {
    assert.equal(specOf(commands.find((c) => c.path === spec.name)!.cmd), spec);
  });
}

/** What commander makes of `token <args>`, or undefined when it refuses them. */
function commanderParse(args: string[]): Record<string, unknown> | undefined {
  const cmd: Command = tokenCommand(processContext());
  let opts: Record<string, unknown> | undefined;
  cmd.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined, outputError: () => undefined });
  cmd.action(function (this: Command) {
    opts = this.opts();
  });
  try {
    cmd.parse(args, { from: 'user' });
  } catch {
    return undefined;
  }
  return opts;
}

const cases: string[][] = [
  [],
  ['--scope', 'https://storage.azure.com/.default'],
  ['--scope=https://storage.azure.com/.default', '--scope', 'openid+offline_access https://x.net/.default'],
  ['--resource', 'https://vault.azure.net', '--output', 'json', '--offset', '120'],
  ['--protocol', 'vm', '--client-id', 'abc', '--min-validity=30'],
  ['--protocol', 'AzDeviceCodeCredentials', '--tenant', 'contoso.onmicrosoft.com', '--cloud', 'usgov'],
  ['--output', 'exec-credential', '--server-id', 'srv', '--no-interactive', '--timeout', '5'],
  ['--authority-host', 'http://127.0.0.1:9', '--home', '/tmp/x', '--interactive'],
  ['--object-id', 'o', '--msi-res-id', '/subscriptions/x'],
  ['--protocol', 'auth-code', '--redirect-uri', 'http://localhost:0', '--no-browser', '--login-hint', 'a@b.c', '--domain-hint=b.c'],
  ['--tenant', 'bad tenant'],
  ['--protocol', 'kerberos'],
  ['--output', 'yaml'],
  ['--offset', '-1'],
  ['--timeout', '0'],
  ['--cloud', 'mars'],
  ['--redirect-uri', 'https://localhost/x'],
  ['--scope'],
  ['--verbose'],
  ['-v'],
  ['--clear-cache'],
  ['--no-such-flag'],
  ['positional'],
  ['--prompt-format', 'json', '--protocol', 'device-code'],
  ['--prompt-format', 'yaml'],
  ['--scope', '--resource', 'https://vault.azure.net'],
  ['--resource', '--scope', 'x'],
  // Names an object has of its own are no option.
  ['toString'],
  ['constructor'],
  ['--constructor', 'x'],
  ['__proto__'],
];

// Ordinary calls the fast path must answer (the first ten cases).
const handledCases = new Set(cases.slice(0, 10));

for (const args of cases) {
  test(`fast parse agrees with commander: token ${args.join(' ')}`, () => {
    const fast = parseFastTokenArgs(['token', ...args]) as Record<string, unknown> | undefined;
    const full = commanderParse(args);
    if (full === undefined) {
      assert.equal(fast, undefined, 'commander refuses it, so the fast path must leave it alone');
      return;
    }
    if (fast === undefined) {
      assert.ok(!handledCases.has(args), 'an ordinary call must take the fast path');
      return;
    }
    for (const [key, value] of Object.entries(fast)) assert.deepEqual(value, full[key], key);
    for (const [key, value] of Object.entries(full)) if (value !== undefined) assert.deepEqual(fast[key], value, key);
  });
}

test('the fast path takes only the token command', () => {
  assert.equal(parseFastTokenArgs(['status']), undefined);
  assert.equal(parseFastTokenArgs(['--home', '/x', 'token']), undefined);
});

/** What commander makes of `git-credential <args>`: the action and the options, or undefined. */
function commanderGitParse(args: string[]): { action: string; opts: Record<string, unknown> } | undefined {
  const cmd: Command = gitCredentialCommand(processContext());
  let out: { action: string; opts: Record<string, unknown> } | undefined;
  cmd.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined, outputError: () => undefined });
  cmd.action(function (this: Command, action: string) {
    out = { action, opts: this.opts() };
  });
  try {
    cmd.parse(args, { from: 'user' });
  } catch {
    return undefined;
  }
  return out;
}

const gitCases: Array<{ args: string[]; fast: boolean }> = [
  { args: ['get'], fast: true },
  { args: ['--allow-host', '127.0.0.1:8080', 'get'], fast: true },
  { args: ['--allow-host=*.example.com', '--allow-host', 'git.example.com', 'erase'], fast: true },
  { args: ['store', '--protocol', 'device-code', '--tenant', 'contoso.com', '--client-id', 'c', '--home', '/tmp/h'], fast: true },
  { args: ['--authority-host', 'http://127.0.0.1:9', '--cloud', 'usgov', 'get'], fast: true },
  { args: [], fast: false },
  { args: ['fetch'], fast: false },
  { args: ['get', 'erase'], fast: false },
  { args: ['--allow-host', 'not a host!', 'get'], fast: false },
  { args: ['--verbose', 'get'], fast: false },
  { args: ['get', '--no-such-flag'], fast: false },
  { args: ['get', 'constructor'], fast: false },
  { args: ['toString', 'get'], fast: false },
];

for (const { args, fast: expectFast } of gitCases) {
  test(`fast parse agrees with commander: git-credential ${args.join(' ')}`, () => {
    const parsed = parseFastGitCredentialArgs(['git-credential', ...args]);
    const fast = parsed && { action: parsed.action, opts: Object.fromEntries(Object.entries(parsed).filter(([key]) => key !== 'action')) };
    const full = commanderGitParse(args);
    if (full === undefined) {
      assert.equal(fast, undefined, 'commander refuses it, so the fast path must leave it alone');
      return;
    }
    if (fast === undefined) {
      assert.ok(!expectFast, 'an ordinary call must take the fast path');
      return;
    }
    assert.equal(fast.action, full.action);
    for (const [key, value] of Object.entries(fast.opts)) assert.deepEqual(value, full.opts[key], key);
    for (const [key, value] of Object.entries(full.opts)) if (value !== undefined) assert.deepEqual(fast.opts[key], value, key);
  });
}

test("the fast path's interpreter refuses an argument outside its choices where the spec says only they are taken, as commander does", () => {
  assert.deepEqual(parseWithSpec(completionSpec, ['zsh']), { shell: 'zsh' });
  assert.equal(parseWithSpec(completionSpec, ['tcsh']), undefined);
  assert.equal(parseWithSpec(gitCredentialSpec, ['fetch'])?.action, 'fetch', 'git-credential takes any action');
});

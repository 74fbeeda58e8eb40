import { relative } from 'node:path';
import type { TestEvent } from 'node:test/reporters';

/**
 * A node:test reporter that prints, after everything else, which tests were skipped and why (a
 * missing program, with the Debian package that provides it). `npm test` runs it beside the spec
 * reporter, whose closing counts stay as they are for CI to read.
 */
export default async function* skipReport(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const byReason = new Map<string, string[]>();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, name, file } = event.data as { skip?: string | boolean; name: string; file?: string };
    if (skip === undefined || skip === false) continue;
    const reason = typeof skip === 'string' ? skip : 'skipped';
    const where = file ? `${relative(process.cwd(), file)}: ` : '';
    byReason.set(reason, [...(byReason.get(reason) ?? []), `${where}${name}`]);
  }
  if (byReason.size === 0) return;
  const count = [...byReason.values()].reduce((n, names) => n + names.length, 0);
  yield `\nSkipped ${count} test${count === 1 ? '' : 's'} (a suite counts once):\n`;
  for (const [reason, names] of byReason) {
    yield `- ${reason}:\n${names.map((n) => `    ${n}\n`).join('')}`;
  }
}

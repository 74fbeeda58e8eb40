import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { refusalTableMarkdown } from '../../../src/oauth/refusal-table.js';
import { repoRoot } from '../../support/paths.js';

/** Issue 19 item 5: docs/exit-codes.md's table of refusals and the code are one source. */
test("docs/exit-codes.md's table of Entra's refusals is the one src/oauth/refusal-table.ts renders", () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'exit-codes.md'), 'utf8');
  const section = doc.slice(doc.indexOf("## Entra's refusals of a refresh"));
  const rendered = section.slice(section.indexOf('| AADSTS')).split('\n\n')[0];
  assert.equal(rendered, refusalTableMarkdown(), 'regenerate the table: node -e "import(\'./dist/src/oauth/refusal-table.js\').then(m => console.log(m.refusalTableMarkdown()))"');
});

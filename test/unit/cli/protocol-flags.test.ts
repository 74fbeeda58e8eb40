import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenSpec } from '../../../src/cli/commands/token-spec.js';
import { longFlag } from '../../../src/cli/option-spec.js';
import { protocols } from '../../../src/domain/protocol-table.js';

test("each protocol's own flags in the protocol table are options azsess token takes, spelt the same", () => {
  const taken = new Set(tokenSpec.options.map((option) => longFlag(option)));
  const missing = protocols.flatMap((row) => Object.values(row.flags as Record<string, string>).filter((flag) => !taken.has(flag)).map((flag) => `${row.short}: ${flag}`));
  assert.deepEqual(missing, []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonSyntaxProblem } from '../../../src/domain/json-problem.js';

function problemOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return jsonSyntaxProblem(err);
  }
  throw new Error('parsed');
}

test('a JSON syntax problem quotes none of the text, and no control character', () => {
  const secret = 'Sup3r~Secret.Value_0123456789';
  const problem = problemOf(`{"client_secret": ${secret}}`);
  assert.ok(!problem.includes('Secret'), problem);
  assert.match(problem, /Unexpected token/);
  const control = problemOf('\n\u0000');
  assert.doesNotMatch(control, /[\u0000-\u001f]/);
  assert.match(problemOf('{"a":'), /end of JSON input/);
});

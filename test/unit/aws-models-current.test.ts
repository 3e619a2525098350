import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGenerated } from '../../scripts/generate-aws-models.js';
import { javaRegexToJs } from '../../scripts/java-regex.js';
import * as identitystore from '../../src/protocols/aws-json/generated/identitystore-model.js';
import * as voiceid from '../../src/protocols/aws-json/generated/voiceid-model.js';
import type { OperationTable, ShapeTable } from '../../src/protocols/aws-json/shape-table.js';

const MODELS = [
  { name: 'identitystore', model: identitystore, operations: 19 },
  // 29 of the AWS model and Voxgate's 4 session extensions (extensions/voiceid-sessions.json).
  { name: 'voiceid', model: voiceid, operations: 33 },
] as const;

test('committed generated AWS model files match the models in ../shared', (t) => {
  const result = checkGenerated();
  if (result.skipped) {
    t.skip(`models not available: ${result.reason}`);
    return;
  }
  assert.deepEqual(
    result.stale,
    [],
    'stale files: run npx tsx scripts/generate-aws-models.ts and commit the result',
  );
});

for (const { name, model, operations } of MODELS) {
  test(`${name}: operation count and references resolve`, () => {
    const ops: OperationTable = model.OPERATIONS;
    const shapes: ShapeTable = model.SHAPES;
    assert.equal(Object.keys(ops).length, operations);
    const missing: string[] = [];
    const need = (shape: string | null, from: string): void => {
      if (shape !== null && shapes[shape] === undefined) missing.push(`${from} -> ${shape}`);
    };
    for (const [op, info] of Object.entries(ops)) {
      need(info.input, op);
      need(info.output, op);
      for (const error of info.errors) need(error, op);
    }
    for (const [shapeName, shape] of Object.entries(shapes)) {
      if (shape.type === 'structure' || shape.type === 'union') {
        for (const m of Object.values(shape.members)) need(m.target, shapeName);
      } else if (shape.type === 'list') {
        need(shape.member, shapeName);
      } else if (shape.type === 'map') {
        need(shape.key, shapeName);
        need(shape.value, shapeName);
      }
    }
    assert.deepEqual(missing, []);
  });

  test(`${name}: every pattern compiles with the u flag`, () => {
    let patterns = 0;
    for (const [shapeName, shape] of Object.entries(model.SHAPES as ShapeTable)) {
      if (shape.type !== 'string' || shape.pattern === undefined) continue;
      patterns++;
      assert.doesNotThrow(() => new RegExp(shape.pattern?.js ?? '', 'u'), shapeName);
    }
    assert.ok(patterns > 0);
  });
}

test('Java patterns are translated to their Java meaning', () => {
  const cases: readonly (readonly [string, string, readonly string[], readonly string[]])[] = [
    // [java, js, matches, does not match]
    ['^\\p{ASCII}{0,3}$', '^\\p{ASCII}{0,3}$', ['abc'], ['é']],
    ['^a\\s$', '^a[ \\t\\n\\x0B\\f\\r]$', ['a '], ['a\u00A0']],
    ['^[\\w\\s]+$', '^[\\w \\t\\n\\x0B\\f\\r]+$', ['a b'], ['a\u2003']],
    ['^a.$', '^a[^\\n\\r\\u0085\\u2028\\u2029]$', ['ab'], ['a\u0085']],
    ['^\\p{Alpha}\\-\\@$', '^[a-zA-Z]-@$', ['x-@'], ['é-@']],
    ['^\\p{IsLatin}+}$', '^\\p{Script=Latin}+\\}$', ['é}'], ['ж}']],
    ['^\\Q.*\\E$', '^\\.\\*$', ['.*'], ['ab']],
  ];
  for (const [java, js, yes, no] of cases) {
    assert.equal(javaRegexToJs(java), js, java);
    const re = new RegExp(js, 'u');
    for (const s of yes) assert.ok(re.test(s), `${java} should match ${JSON.stringify(s)}`);
    for (const s of no) assert.ok(!re.test(s), `${java} should not match ${JSON.stringify(s)}`);
  }
  for (const unsupported of ['a++', '(?>a)', '(?i)a', '[a[b]]', '[a&&b]', '\\p{InGreek}', 'a{']) {
    assert.throws(() => javaRegexToJs(unsupported), /unsupported Java regex/, unsupported);
  }
});

// Tokenizes mapping files with the TextMate grammar, the way VS Code does (vscode-textmate with the
// Oniguruma regex engine), and checks the scopes of the tokens that matter.
//
//     cd editors/vscode && npm install && node test/grammar.test.js

'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test, before } = require('node:test');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR = path.join(__dirname, '..', 'syntaxes', 'map.tmLanguage.json');
const MAPPINGS = path.join(__dirname, '..', '..', '..', 'mappings');

let grammar;

before(async () => {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.mapping' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
  });
  grammar = await registry.loadGrammar('source.mapping');
  assert.ok(grammar, 'the grammar loads');
});

/** Tokenizes a whole text, carrying the state from line to line: a list of lines with their tokens. */
function tokenize(text) {
  let state = vsctm.INITIAL;
  return text.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    const tokens = result.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex),
      start: t.startIndex,
      end: t.endIndex,
      scopes: t.scopes,
    }));
    return { line, tokens };
  });
}

const hasScope = (token, scope) => token.scopes.some((s) => s === scope || s.startsWith(scope + '.'));

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The tokens covering the `nth` occurrence of `needle` in the first line (of `lines`) containing
 * `lineNeedle` (default: `needle` itself). A needle that is a name (`key`, `_`) matches whole names only.
 */
function tokensOf(lines, needle, { nth = 0, line: lineNeedle = needle } = {}) {
  const found = lines.find((l) => l.line.includes(lineNeedle));
  assert.ok(found, `no line contains ${JSON.stringify(lineNeedle)}`);
  const pattern = /^\$?\w+$/.test(needle)
    ? new RegExp(`(?<![\\w$])${escapeRegExp(needle)}(?!\\w)`, 'g')
    : new RegExp(escapeRegExp(needle), 'g');
  const matches = [...found.line.matchAll(pattern)];
  assert.ok(nth < matches.length, `${JSON.stringify(needle)} occurs fewer than ${nth + 1} times in ${JSON.stringify(found.line)}`);
  const at = matches[nth].index;
  const covering = found.tokens.filter((t) => t.start < at + needle.length && t.end > at);
  return { covering, line: found.line };
}

function describe(covering) {
  return covering.map((t) => `${JSON.stringify(t.text)}: ${t.scopes.join(' ')}`).join('\n  ');
}

/** Every token covering `needle` has `scope` (or a scope below it). */
function expectScope(lines, needle, scope, options) {
  const { covering, line } = tokensOf(lines, needle, options);
  assert.ok(
    covering.every((t) => hasScope(t, scope)),
    `${JSON.stringify(needle)} in ${JSON.stringify(line)} should be ${scope}:\n  ${describe(covering)}`,
  );
}

/** No token covering `needle` has `scope`. */
function expectNoScope(lines, needle, scope, options) {
  const { covering, line } = tokensOf(lines, needle, options);
  assert.ok(
    covering.every((t) => !hasScope(t, scope)),
    `${JSON.stringify(needle)} in ${JSON.stringify(line)} should not be ${scope}:\n  ${describe(covering)}`,
  );
}

test('sales_order.map', () => {
  const lines = tokenize(fs.readFileSync(path.join(MAPPINGS, 'sales_order.map'), 'utf8'));
  for (const { line, tokens } of lines) {
    for (const t of tokens) {
      assert.ok(!hasScope(t, 'invalid'), `invalid token ${JSON.stringify(t.text)} in ${JSON.stringify(line)}`);
    }
  }

  // Comments, whole-line and trailing.
  expectScope(lines, '# A Brightpearl sales order', 'comment.line.number-sign');
  expectScope(lines, '# shared with sales_credit.map', 'comment.line.number-sign');
  expectNoScope(lines, 'use', 'comment', { line: 'use "lib/sop.map"' });

  // The header.
  expectScope(lines, 'mapping', 'keyword.other', { line: 'mapping sales_order' });
  expectScope(lines, 'sales_order', 'entity.name.section', { line: 'mapping sales_order' });
  expectScope(lines, 'from', 'keyword.other', { line: 'mapping sales_order' });
  expectScope(lines, 'brightpearl.Order', 'entity.name.type.schema');
  expectScope(lines, 'econnect.SOPTransactionType', 'entity.name.type.schema');

  // Declarations.
  expectScope(lines, 'use', 'keyword.other.use', { line: 'use "lib/sop.map"' });
  expectScope(lines, '"lib/sop.map"', 'string.quoted.double');
  expectScope(lines, 'param', 'storage.type', { line: 'param sop_type' });
  expectScope(lines, 'sop_type', 'entity.name.variable.param', { line: 'param sop_type' });
  expectScope(lines, '3', 'constant.numeric.integer', { line: 'param sop_type' });
  expectScope(lines, '|', 'keyword.operator', { line: 'param sop_type' });
  expectScope(lines, 'string', 'support.type.primitive', { line: 'param doc_id' });
  expectScope(lines, '15', 'constant.numeric.integer', { line: 'param doc_id' });
  expectScope(lines, 'key', 'storage.type.key', { line: 'key id' });
  expectScope(lines, 'customer', 'entity.name.variable.let', { line: 'let customer =' });

  // Statements and expressions.
  expectScope(lines, 'require', 'keyword.control', { line: 'require orderTypeCode' });
  expectScope(lines, '==', 'keyword.operator.comparison', { line: 'require orderTypeCode' });
  expectScope(lines, 'else', 'keyword.control', { line: 'require orderTypeCode' });
  expectScope(lines, '!', 'keyword.operator.required', { line: 'parties.customer!' });
  expectScope(lines, 'customer', 'variable.other.property', { nth: 1, line: 'parties.customer!' });
  expectScope(lines, 'text', 'support.function.builtin', { line: 'let sop_number' });
  expectScope(lines, 'date', 'support.function.builtin', { line: 'let document_date' });
  expectScope(lines, 'customer_number', 'entity.name.function.call', { nth: 1, line: 'let customer_number' });
  expectNoScope(lines, 'customer_number', 'support.function', { nth: 1, line: 'let customer_number' });
  expectScope(lines, 'customer_number', 'entity.name.variable.let', { line: 'let customer_number' });
  expectScope(lines, 'for', 'keyword.control.loop', { line: 'for row, i' });
  expectScope(lines, 'row', 'variable.other.loop', { line: 'for row, i' });
  expectScope(lines, 'where', 'keyword.control', { line: 'for row, i' });
  expectScope(lines, 'not', 'keyword.operator.logical', { line: 'for row, i' });
  expectScope(lines, 'is_freight', 'entity.name.function.call', { line: 'for row, i' });
  expectScope(lines, 'taSopLineIvcInsert_Items', 'entity.name.tag');
  expectScope(lines, 'SOPNUMBE', 'entity.name.tag', { line: 'sop_number -> SOPNUMBE' });
  expectScope(lines, '->', 'keyword.operator.arrow', { line: 'sop_number -> SOPNUMBE' });
  expectScope(lines, '??', 'keyword.operator.coalesce', { line: '-> ITEMNMBR' });
  expectScope(lines, 'magnitude', 'variable.other.property', { line: '-> QUANTITY' });
  expectScope(lines, 'sum', 'support.function.builtin', { line: 'let freight' });
  expectScope(lines, 'taSopHdrIvcInsert', 'entity.name.tag');
  expectScope(lines, 'truncate', 'support.function.builtin', { line: '-> ShipToName' });
  expectScope(lines, '64', 'constant.numeric.integer', { line: '-> ShipToName' });
  expectScope(lines, '""', 'string.quoted.double', { line: '-> ADDRESS3' });
  expectScope(lines, '+', 'keyword.operator.arithmetic', { line: '-> DOCAMNT' });
});

test('a # inside a string is not a comment', () => {
  const lines = tokenize('let note = "#1 is not a comment"   # inside a string, # is a character');
  expectScope(lines, '#1 is not a comment', 'string.quoted.double');
  expectNoScope(lines, '#1 is not a comment', 'comment');
  expectScope(lines, '# inside a string, # is a character', 'comment.line.number-sign');
});

test('keywords end where a name could not go on', () => {
  const lines = tokenize(['let keyed = key_count + 1', 'keyed -> SOPNUMBE', 'format -> index'].join('\n'));
  expectScope(lines, 'keyed', 'entity.name.variable.let', { line: 'let keyed' });
  expectNoScope(lines, 'keyed', 'storage.type', { line: 'let keyed' });
  expectNoScope(lines, 'key_count', 'storage.type');
  expectScope(lines, 'keyed', 'variable.other', { line: 'keyed -> SOPNUMBE' });
  expectNoScope(lines, 'keyed', 'storage.type', { line: 'keyed -> SOPNUMBE' });
  expectScope(lines, 'SOPNUMBE', 'entity.name.tag.target', { line: 'keyed -> SOPNUMBE' });
  expectScope(lines, 'format', 'variable.other');
  expectScope(lines, 'index', 'entity.name.tag');
});

test('target fields, built-ins and operators', () => {
  const lines = tokenize(
    [
      'round(totalValue.net / 3, 2) -> FREIGHT',
      'let minus_one = -1',
      'if a >= b and not c { true } else { false } -> FLAG',
      'record.from -> X',
      '$key -> ITEMNMBR',
      'text($key) ?? "" -> COMMENT_1',
      'skip if orderTypeCode != "SO"',
      'require length(reference) <= 20 else business "the reference is too long"',
      'let rate = 0.0150',
      'match orderTypeCode { "SO" => 3, "PO" | "PC" => 1, _ => 0 } -> SOPTYPE',
    ].join('\n'),
  );
  expectScope(lines, 'round', 'support.function.builtin');
  expectScope(lines, '/', 'keyword.operator.arithmetic', { line: 'round(' });
  expectScope(lines, 'FREIGHT', 'entity.name.tag.target');
  expectScope(lines, '-', 'keyword.operator.arithmetic', { line: 'minus_one' });
  expectNoScope(lines, '-', 'keyword.operator.arrow', { line: 'minus_one' });
  expectScope(lines, '1', 'constant.numeric.integer', { line: 'minus_one' });
  expectScope(lines, 'if', 'keyword.control.conditional', { line: 'FLAG' });
  expectScope(lines, '>=', 'keyword.operator.comparison', { line: 'FLAG' });
  expectScope(lines, 'and', 'keyword.operator.logical', { line: 'FLAG' });
  expectScope(lines, 'true', 'constant.language.boolean', { line: 'FLAG' });
  expectScope(lines, 'FLAG', 'entity.name.tag.target');
  expectScope(lines, 'from', 'variable.other.property', { line: 'record.from' });
  expectNoScope(lines, 'from', 'keyword', { line: 'record.from' });
  expectScope(lines, '$key', 'variable.language.key', { line: '$key -> ITEMNMBR' });
  expectScope(lines, '$key', 'variable.language.key', { line: 'text($key)' });
  expectScope(lines, 'skip', 'keyword.control');
  expectScope(lines, '!=', 'keyword.operator.comparison', { line: 'skip if' });
  expectScope(lines, 'length', 'support.function.builtin');
  expectScope(lines, 'business', 'storage.modifier.business');
  expectScope(lines, '0.0150', 'constant.numeric.decimal');
  expectScope(lines, '=>', 'keyword.operator.arrow.case', { line: 'match orderTypeCode' });
  expectScope(lines, '_', 'variable.language.wildcard', { line: 'match orderTypeCode' });
  expectScope(lines, 'SOPTYPE', 'entity.name.tag.target');
});

test('strings and escapes', () => {
  const lines = tokenize(
    [
      'let quoted = "say \\"hello\\"\\n\\tthen caf\\u{E9} \\\\ \\r done"',
      'let bad = "a \\q b"',
      'let open = "never closed',
      'let after = 1',
    ].join('\n'),
  );
  for (const escape of ['\\"', '\\n', '\\t', '\\u{E9}', '\\\\', '\\r']) {
    expectScope(lines, escape, 'constant.character.escape', { line: 'let quoted' });
  }
  expectScope(lines, 'hello', 'string.quoted.double', { line: 'let quoted' });
  expectScope(lines, ' done', 'string.quoted.double', { line: 'let quoted' });
  expectScope(lines, '\\q', 'invalid.illegal.escape');
  // A string ends with its line: the next line is code again.
  expectScope(lines, 'let', 'storage.type', { line: 'let after' });
  expectNoScope(lines, 'let', 'string', { line: 'let after' });
});

test('declarations and types', () => {
  const lines = tokenize(
    [
      'lookup customer_numbers: int64 -> string(15) optional  # contact id -> customer',
      'lookup receipt_types: string -> 0 | 1 | 2 optional',
      'param freight_nominal_codes: list<string> = ["4040"]',
      'fn unit_price(net: decimal, quantity: int16, when: datetime) = round(net / quantity, 5) ?? 0',
      'table payment_method_type { "CASH" => 1, "CHECK" | "CHEQUE" => 0, _ => 2 }',
      'taSopHdrIvcInsert {',
      '}',
    ].join('\n'),
  );
  expectScope(lines, 'lookup', 'storage.type.lookup', { line: 'customer_numbers' });
  expectScope(lines, 'customer_numbers', 'entity.name.function.lookup');
  expectScope(lines, 'int64', 'support.type.primitive');
  expectScope(lines, 'string', 'support.type.primitive', { line: 'customer_numbers' });
  expectNoScope(lines, 'string', 'entity.name.tag', { line: 'customer_numbers' });
  expectScope(lines, 'optional', 'storage.modifier.optional', { line: 'customer_numbers' });
  expectScope(lines, '# contact id -> customer', 'comment.line.number-sign');
  expectScope(lines, '0', 'constant.numeric.integer', { line: 'receipt_types' });
  expectNoScope(lines, '0', 'entity.name.tag', { line: 'receipt_types' });
  expectScope(lines, 'list', 'support.type.list');
  expectScope(lines, 'string', 'support.type.primitive', { line: 'list<string>' });
  expectScope(lines, '"4040"', 'string.quoted.double');
  expectScope(lines, 'fn', 'storage.type.function');
  expectScope(lines, 'unit_price', 'entity.name.function', { line: 'fn unit_price' });
  expectScope(lines, 'net', 'variable.parameter', { line: 'fn unit_price' });
  expectScope(lines, 'decimal', 'support.type.primitive');
  expectScope(lines, 'int16', 'support.type.primitive');
  expectScope(lines, 'datetime', 'support.type.primitive');
  expectScope(lines, 'round', 'support.function.builtin', { line: 'fn unit_price' });
  expectScope(lines, 'table', 'storage.type.table');
  expectScope(lines, 'payment_method_type', 'entity.name.function.table');
  expectScope(lines, '_', 'variable.language.wildcard', { line: 'table payment_method_type' });
  expectScope(lines, 'taSopHdrIvcInsert', 'entity.name.tag.node');
});

test('every mapping in mappings/ tokenizes without invalid tokens', () => {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.map')) files.push(full);
    }
  };
  walk(MAPPINGS);
  assert.ok(files.length > 0);
  for (const file of files) {
    for (const { line, tokens } of tokenize(fs.readFileSync(file, 'utf8'))) {
      for (const t of tokens) {
        assert.ok(!hasScope(t, 'invalid'), `${path.relative(MAPPINGS, file)}: invalid ${JSON.stringify(t.text)} in ${JSON.stringify(line)}`);
      }
    }
  }
});

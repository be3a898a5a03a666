// The VS Code side of the mapping language: starts `mapc lsp` over stdio for `mapping` documents.
// Plain JavaScript, loaded as is: there is no build step.

'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;
/** Set when the server could not start: opening more mappings does not retry until a restart. */
let failed = false;

/**
 * `.map` is also the extension of JavaScript and CSS source maps. VS Code gives `.js.map`, `.css.map`
 * and `.ts.map` to JSON, but any other source map (`.mjs.map`, `bundle.map`, ...) would open here. A
 * source map is JSON, so it starts with `{`; a mapping never does.
 */
function isSourceMap(document) {
  for (let line = 0; line < Math.min(document.lineCount, 20); line++) {
    const text = document.getText(new vscode.Range(line, 0, line, 200)).replace(/^\uFEFF/, '').trim();
    if (text !== '') {
      return text.startsWith('{');
    }
  }
  return false;
}

function isMapping(document) {
  return document.languageId === 'mapping' && !isSourceMap(document);
}

/** Hands a source map opened as a mapping over to JSON, and starts the server for a real mapping. */
function onOpen(document) {
  if (document.languageId !== 'mapping') {
    return;
  }
  if (isSourceMap(document)) {
    vscode.languages.setTextDocumentLanguage(document, 'json');
  } else if (!client && !failed) {
    start();
  }
}

async function start() {
  const command = vscode.workspace.getConfiguration('mapc').get('path') || 'mapc';
  output = output || vscode.window.createOutputChannel('mapc');
  // An Executable without `transport` is spoken to over its stdin and stdout, with no extra argument.
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'mapping' },
      { scheme: 'untitled', language: 'mapping' },
    ],
    outputChannel: output,
    middleware: {
      // A source map is switched to JSON as it opens; the server never needs to see it.
      didOpen: (document, next) => (isSourceMap(document) ? Promise.resolve() : next(document)),
      didClose: (document, next) => (isSourceMap(document) ? Promise.resolve() : next(document)),
    },
  };
  client = new LanguageClient('mapc', 'mapc language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    failed = true;
    const choice = await vscode.window.showErrorMessage(
      `Could not start \`${command} lsp\`: ${error && error.message ? error.message : error}. ` +
        'Install mapc, or set `mapc.path` to the binary.',
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      vscode.commands.executeCommand('workbench.action.openSettings', 'mapc.path');
    }
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

async function restart() {
  await stop();
  failed = false;
  if (vscode.workspace.textDocuments.some(isMapping)) {
    await start();
  }
}

function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(onOpen),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mapc.path')) {
        restart();
      }
    }),
    vscode.commands.registerCommand('mapc.restartServer', restart),
  );
  vscode.workspace.textDocuments.forEach(onOpen);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };

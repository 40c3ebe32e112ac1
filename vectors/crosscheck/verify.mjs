#!/usr/bin/env node
// Wellspring cross-check: verify eddsa-rdfc-2022 Data Integrity proofs with
// Digital Bazaar's verifier stack (jsonld-signatures + data-integrity +
// eddsa-rdfc-2022-cryptosuite + ed25519-multikey, issuer binding from
// @digitalbazaar/vc), fully offline.
//
// Usage:
//   node verify.mjs --contexts DIR --keys KEYS.json [options] FILE...
//   node verify.mjs --manifest vectors/manifest.json [--root vectors/]
//                   --contexts DIR --keys KEYS.json [options]
//
// Options:
//   --tamper            change `name` of every document in memory before
//                       verifying (the signature must then fail)
//   --self-test         for every FILE check "as-is => verified" and
//                       "tampered => not verified"; prints a table and
//                       "N passed, M failed"; exit 1 when M > 0
//   --no-issuer-check   plain assertionMethod purpose; do not require the
//                       verification method's controller to be the issuer
//   --vc-api            verify through vc.verifyCredential() instead (its VC
//                       data-model checks then count; dates are evaluated at
//                       the credential's validFrom/issuanceDate, so expiry
//                       never fails it; status is stubbed as verified)
//   --verbose           log every URL the document loader serves (stderr)
//
// Only the proof is judged: credential status, validFrom/validUntil,
// issuanceDate/expirationDate and the VC data-model shape checks are NOT
// part of `proof_verified` (the shape check result is reported separately as
// `vc_checks`, for information).

import {readFileSync, existsSync} from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';

import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didKey from '@digitalbazaar/did-method-key';

const require = createRequire(import.meta.url);

const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const SECURITY_V2 = 'https://w3id.org/security/v2';
const DI_V1 = 'https://w3id.org/security/data-integrity/v1';
const DI_V2 = 'https://w3id.org/security/data-integrity/v2';
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';

// URL -> file name inside the --contexts directory (our pinned copies).
const CONTEXT_FILES = {
  'https://www.w3.org/ns/credentials/v2': 'validator_credentials-v2.jsonld',
  'https://www.w3.org/2018/credentials/v1':
    'validator_2018-credentials-v1.jsonld',
  'https://w3id.org/security/data-integrity/v1':
    'validator_data-integrity-v1.jsonld',
  'https://w3id.org/security/suites/ed25519-2020/v1':
    'lds-ed25519-2020-v1.context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json':
    'ob_v3p0_context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json':
    'ob_v3p0_context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json':
    'ob_v3p0_context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json':
    'validator_ob-v3p0-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json':
    'validator_ob-v3p0-extensions.json',
  'https://purl.imsglobal.org/spec/clr/v2p0/context.json':
    'validator_clr-v2p0.json',
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json':
    'validator_clr-v2p0-2.0.1.json',
};

// Contexts that ship inside npm packages; used only when the URL has no file
// in the --contexts directory. (jsonld-signatures itself always serves the
// security v1/v2 contexts from its own copies.)
function npmShippedContexts() {
  const out = new Map();
  const add = (url, pkgFile) => {
    try {
      out.set(url, JSON.parse(readFileSync(require.resolve(pkgFile), 'utf8')));
    } catch {
      // package layout changed: simply not available
    }
  };
  add(MULTIKEY_V1,
    '@digitalbazaar/multikey-context/contexts/multikey-v1.jsonld');
  add('https://w3id.org/security/data-integrity/v1',
    '@digitalbazaar/data-integrity-context/contexts/data-integrity-v1.jsonld');
  add('https://w3id.org/security/data-integrity/v2',
    '@digitalbazaar/data-integrity-context/contexts/data-integrity-v2.jsonld');
  add('https://www.w3.org/ns/credentials/v2',
    '@digitalbazaar/credentials-context/contexts/v2.jsonld');
  add('https://www.w3.org/2018/credentials/v1',
    '@digitalbazaar/credentials-context/contexts/v1.jsonld');
  return out;
}

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = {
    files: [], contexts: null, keys: null, manifest: null, root: null,
    tamper: false, selfTest: false, issuerCheck: true, verbose: false,
    vcApi: false,
  };
  const needValue = (i, flag) => {
    if(i + 1 >= argv.length) {
      throw new UsageError(`${flag} needs a value`);
    }
    return argv[i + 1];
  };
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch(a) {
      case '--contexts': opts.contexts = needValue(i, a); i++; break;
      case '--keys': opts.keys = needValue(i, a); i++; break;
      case '--manifest': opts.manifest = needValue(i, a); i++; break;
      case '--root': opts.root = needValue(i, a); i++; break;
      case '--tamper': opts.tamper = true; break;
      case '--self-test': opts.selfTest = true; break;
      case '--no-issuer-check': opts.issuerCheck = false; break;
      case '--verbose': opts.verbose = true; break;
      case '--vc-api': opts.vcApi = true; break;
      case '-h': case '--help': throw new UsageError('');
      default:
        if(a.startsWith('--')) {
          throw new UsageError(`unknown option ${a}`);
        }
        opts.files.push(a);
    }
  }
  if(!opts.contexts) {
    throw new UsageError('--contexts DIR is required');
  }
  if(!existsSync(opts.contexts)) {
    throw new UsageError(`--contexts ${opts.contexts}: no such directory`);
  }
  if(opts.keys && !existsSync(opts.keys)) {
    throw new UsageError(`--keys ${opts.keys}: no such file`);
  }
  if(opts.manifest) {
    if(opts.files.length > 0 || opts.selfTest || opts.tamper) {
      throw new UsageError(
        '--manifest cannot be combined with FILE, --tamper or --self-test');
    }
    if(!existsSync(opts.manifest)) {
      throw new UsageError(`--manifest ${opts.manifest}: no such file`);
    }
    opts.root ??= path.dirname(opts.manifest);
  } else if(opts.files.length === 0) {
    throw new UsageError('no FILE given (or use --manifest)');
  }
  return opts;
}

// ---------------------------------------------------------------------------
// offline document loader

function loadKeys(keysPath) {
  const vms = new Map();
  const controllers = new Map();
  if(!keysPath) {
    return {vms, controllers};
  }
  const data = JSON.parse(readFileSync(keysPath, 'utf8'));
  const list = data?.verificationMethods;
  if(!Array.isArray(list)) {
    throw new UsageError(`${keysPath}: expected {"verificationMethods": [...]}`);
  }
  for(const entry of list) {
    for(const field of ['id', 'controller', 'publicKeyMultibase']) {
      if(typeof entry?.[field] !== 'string') {
        throw new UsageError(`${keysPath}: every entry needs string "${field}"`);
      }
    }
    const vm = {
      '@context': MULTIKEY_V1,
      id: entry.id,
      type: entry.type ?? 'Multikey',
      controller: entry.controller,
      publicKeyMultibase: entry.publicKeyMultibase,
    };
    vms.set(vm.id, vm);
    if(!controllers.has(vm.controller)) {
      controllers.set(vm.controller, []);
    }
    controllers.get(vm.controller).push(vm);
  }
  return {vms, controllers};
}

function controllerDocument(id, vmList) {
  // security/v2 defines `assertionMethod` and `verificationMethod`; the
  // Multikey context defines the key type and its properties.
  const embedded = vmList.map(({'@context': _ignored, ...rest}) => rest);
  return {
    '@context': [SECURITY_V2, MULTIKEY_V1],
    id,
    assertionMethod: vmList.map(vm => vm.id),
    verificationMethod: embedded,
  };
}

function makeDocumentLoader({contextsDir, keys, verbose}) {
  const shipped = npmShippedContexts();
  const fileCache = new Map();
  const didKeyDriver = didKey.driver();
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519Multikey.from,
  });

  const serve = (url, document, from) => {
    if(verbose) {
      process.stderr.write(`[loader] ${url} <- ${from}\n`);
    }
    // hand out a copy: callers may mutate what they get
    return {
      contextUrl: null,
      documentUrl: url,
      document: structuredClone(document),
    };
  };

  return async url => {
    // (a) JSON-LD contexts: our pinned copies first, then npm-shipped ones
    const file = CONTEXT_FILES[url];
    if(file) {
      const full = path.join(contextsDir, file);
      if(existsSync(full)) {
        if(!fileCache.has(full)) {
          fileCache.set(full, JSON.parse(readFileSync(full, 'utf8')));
        }
        return serve(url, fileCache.get(full), full);
      }
    }
    if(shipped.has(url)) {
      return serve(url, shipped.get(url), 'npm package');
    }
    // (b) verification methods and controller documents from KEYS.json
    if(keys.vms.has(url)) {
      return serve(url, keys.vms.get(url), 'keys (verification method)');
    }
    if(keys.controllers.has(url)) {
      return serve(url, controllerDocument(url, keys.controllers.get(url)),
        'keys (controller document)');
    }
    // (c) did:key, resolved locally
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return serve(url, document, 'did:key');
    }
    throw new Error(`not available offline: ${url}`);
  };
}

// ---------------------------------------------------------------------------
// verification

function errorMessages(err) {
  if(!err) {
    return [];
  }
  if(Array.isArray(err)) {
    return err.flatMap(errorMessages);
  }
  // jsonld-signatures wraps per-proof failures in a VerificationError whose
  // own message ("Verification error(s).") says nothing: report the inner ones
  const msgs = Array.isArray(err.errors) && err.errors.length > 0 ?
    err.errors.flatMap(errorMessages) : [String(err.message ?? err)];
  if(err.cause) {
    msgs.push(...errorMessages(err.cause));
  }
  return msgs;
}

function tamper(doc) {
  const copy = structuredClone(doc);
  if(typeof copy.name === 'string') {
    copy.name = copy.name + ' (tampered)';
  } else {
    copy.name = 'tampered';
  }
  return copy;
}

// a moment at which the credential's validity window is open, if it has one:
// the later of validFrom/issuanceDate (VC 2.0 / VC 1.1)
function validityStart(doc) {
  const starts = [doc.validFrom, doc.issuanceDate]
    .filter(v => typeof v === 'string')
    .map(v => new Date(v))
    .filter(d => !isNaN(d));
  if(starts.length === 0) {
    return null;
  }
  return new Date(Math.max(...starts.map(d => d.getTime())));
}

async function verifyDocument(doc, {documentLoader, issuerCheck, vcApi}) {
  if(doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return {proof_verified: false, error: 'document is not a JSON object'};
  }
  const proofs = doc.proof === undefined ? [] :
    (Array.isArray(doc.proof) ? doc.proof : [doc.proof]);

  // informational only: the VC data-model shape checks of @digitalbazaar/vc,
  // run in "issue" mode, which skips every comparison with the current time
  let vcChecks = 'ok';
  try {
    vc._checkCredential({credential: doc, mode: 'issue'});
  } catch(e) {
    vcChecks = String(e.message ?? e);
  }

  // The library appends the data-integrity v2 context to the proof options
  // unless the document already has it (or the VC 2.0 context). A VC 1.1
  // document that brings the data-integrity *v1* context then fails with
  // "tried to redefine a protected term"; the library's answer for such
  // documents is its `legacyContext` switch, so use it for them.
  const contexts = [doc['@context']].flat();
  const legacyContext = contexts.includes(DI_V1) &&
    !contexts.includes(DI_V2) && !contexts.includes(VC_V2);
  const suite = new DataIntegrityProof(
    {cryptosuite: eddsaRdfc2022, legacyContext});
  const purpose = issuerCheck ?
    new vc.CredentialIssuancePurpose() :
    new jsigs.purposes.AssertionProofPurpose();

  let result;
  if(vcApi) {
    // the full @digitalbazaar/vc entry point; its data-model checks are then
    // part of the verdict, its date checks are neutralised by evaluating the
    // credential at its own start date, status is stubbed to "verified"
    const now = validityStart(doc) ?? new Date();
    result = await vc.verifyCredential({
      credential: doc, suite, purpose, documentLoader, now,
      checkStatus: async () => ({verified: true}),
    });
  } else {
    // this is what vc.verifyCredential does after its data-model and date
    // checks (which we leave out on purpose); status is not looked at
    result = await jsigs.verify(doc, {suite, purpose, documentLoader});
  }

  const perProof = (result.results ?? []).map(r => ({
    cryptosuite: r.proof?.cryptosuite ?? null,
    verificationMethod: r.proof?.verificationMethod ?? null,
    verified: r.verified === true,
    error: r.verified ? null :
      (errorMessages(r.error ?? r.purposeResult?.error).join('; ') || null),
  }));
  let error = null;
  if(!result.verified) {
    const msgs = [...new Set([
      ...errorMessages(result.error),
      ...perProof.filter(p => p.error).map(p => p.error),
    ])];
    error = msgs.join('; ') || 'not verified';
  }
  return {
    proof_verified: result.verified === true,
    error,
    proof_count: proofs.length,
    proofs: perProof,
    vc_checks: vcChecks,
  };
}

async function verifyFile(file, ctx, {tampered = false} = {}) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch(e) {
    return {file, proof_verified: false, error: `cannot read JSON: ${e.message}`};
  }
  if(tampered) {
    doc = tamper(doc);
  }
  try {
    const out = await verifyDocument(doc, ctx);
    return {file, ...(tampered ? {tampered: true} : {}), ...out};
  } catch(e) {
    return {file, proof_verified: false, error: `verifier threw: ${e.message}`};
  }
}

function printTable(rows, headers) {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map(r => String(r[i]).length)));
  const line = cells => cells.map((c, i) => String(c).padEnd(widths[i]))
    .join('  ').trimEnd();
  console.log(line(headers));
  console.log(line(widths.map(w => '-'.repeat(w))));
  for(const r of rows) {
    console.log(line(r));
  }
}

async function runManifest(opts, ctx) {
  const manifest = JSON.parse(readFileSync(opts.manifest, 'utf8'));
  const entries = Array.isArray(manifest?.vectors) ? manifest.vectors : null;
  if(!entries) {
    throw new UsageError(`${opts.manifest}: expected {"vectors": [...]}`);
  }
  const selected = entries.filter(e =>
    e && e.proof === 'eddsa-rdfc-2022' &&
    e.proof_valid !== null && e.proof_valid !== undefined &&
    typeof e.file === 'string' && e.file.endsWith('.json'));
  const rows = [];
  const problems = [];
  let passed = 0;
  let failed = 0;
  for(const entry of selected) {
    const result = await verifyFile(path.join(opts.root, entry.file), ctx);
    const expected = entry.proof_valid === true;
    const agree = result.proof_verified === expected;
    if(agree) {
      passed++;
    } else {
      failed++;
      problems.push(`${entry.file}: ${result.error ?? 'verified, expected failure'}`);
    }
    rows.push([entry.file, String(expected), String(result.proof_verified),
      agree ? 'ok' : 'DISAGREE']);
  }
  printTable(rows, ['file', 'expected', 'got', '']);
  if(problems.length > 0) {
    console.log('');
    console.log('disagreements:');
    for(const p of problems) {
      console.log(`  ${p}`);
    }
  }
  console.log(`(${entries.length - selected.length} manifest entries skipped: ` +
    'not eddsa-rdfc-2022 JSON with a proof verdict)');
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

async function runSelfTest(opts, ctx) {
  const rows = [];
  let passed = 0;
  let failed = 0;
  for(const file of opts.files) {
    for(const tampered of [false, true]) {
      const result = await verifyFile(file, ctx, {tampered});
      console.log(JSON.stringify(result));
      const expected = !tampered;
      const agree = result.proof_verified === expected;
      agree ? passed++ : failed++;
      rows.push([file + (tampered ? ' [tampered name]' : ''),
        String(expected), String(result.proof_verified),
        agree ? 'ok' : 'DISAGREE']);
    }
  }
  console.log('');
  printTable(rows, ['file', 'expected', 'got', '']);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch(e) {
    if(e instanceof UsageError) {
      if(e.message) {
        process.stderr.write(`verify.mjs: ${e.message}\n`);
      }
      process.stderr.write(
        'usage: node verify.mjs --contexts DIR --keys KEYS.json ' +
        '[--tamper|--self-test] [--no-issuer-check] [--vc-api] [--verbose] ' +
        'FILE...\n' +
        '       node verify.mjs --manifest MANIFEST.json [--root DIR] ' +
        '--contexts DIR --keys KEYS.json [--no-issuer-check] [--vc-api] ' +
        '[--verbose]\n');
      return 2;
    }
    throw e;
  }
  let keys;
  try {
    keys = loadKeys(opts.keys);
  } catch(e) {
    process.stderr.write(`verify.mjs: ${e.message}\n`);
    return 2;
  }
  const ctx = {
    documentLoader: makeDocumentLoader(
      {contextsDir: opts.contexts, keys, verbose: opts.verbose}),
    issuerCheck: opts.issuerCheck,
    vcApi: opts.vcApi,
  };
  try {
    if(opts.manifest) {
      return await runManifest(opts, ctx);
    }
    if(opts.selfTest) {
      return await runSelfTest(opts, ctx);
    }
  } catch(e) {
    if(e instanceof UsageError) {
      process.stderr.write(`verify.mjs: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  for(const file of opts.files) {
    const result = await verifyFile(file, ctx, {tampered: opts.tamper});
    console.log(JSON.stringify(result));
  }
  return 0;
}

process.exitCode = await main();

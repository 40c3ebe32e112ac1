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

import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {UsageError, loadKeys, makeDocumentLoader} from './loader.mjs';

const DI_V1 = 'https://w3id.org/security/data-integrity/v1';
const DI_V2 = 'https://w3id.org/security/data-integrity/v2';
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';

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

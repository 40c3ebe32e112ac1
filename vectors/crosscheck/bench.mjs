#!/usr/bin/env node
// Throughput of Digital Bazaar's verifier on one credential, for the side-by-side benchmark
// (harness/verify/benches/side-by-side.sh). Verifies FILE's eddsa-rdfc-2022 proof COUNT
// times in this one process (after a warm-up), offline, with the same loader as verify.mjs,
// and prints one JSON line: {"verifier", "count", "seconds", "perSecond"}.
//
//   node bench.mjs --contexts DIR --keys KEYS.json --count N FILE

import {readFileSync} from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {loadKeys, makeDocumentLoader} from './loader.mjs';

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  if(i < 0) {
    return dflt;
  }
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const contexts = flag('--contexts', '../../harness/verify/contexts');
const keysPath = flag('--keys', '../keys/keys.json');
const count = Number(flag('--count', '2000'));
const file = args[0];
if(!file || !(count > 0)) {
  process.stderr.write('usage: node bench.mjs --contexts DIR --keys KEYS.json --count N FILE\n');
  process.exit(2);
}

const text = readFileSync(file, 'utf8');
const documentLoader = makeDocumentLoader(
  {contextsDir: contexts, keys: loadKeys(keysPath), verbose: false});

async function once() {
  // a fresh parse each time, as a verifier of many files would do
  const doc = JSON.parse(text);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const purpose = new vc.CredentialIssuancePurpose();
  const result = await jsigs.verify(doc, {suite, purpose, documentLoader});
  if(!result.verified) {
    throw new Error(`not verified: ${JSON.stringify(result.error ?? result)}`);
  }
}

for(let i = 0; i < Math.min(50, count); i++) {
  await once();
}
const start = process.hrtime.bigint();
for(let i = 0; i < count; i++) {
  await once();
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({
  verifier: 'digitalbazaar vc + eddsa-rdfc-2022-cryptosuite (node ' +
    process.versions.node + ')',
  count, seconds, perSecond: count / seconds,
}));

// One-off generator of the dbjs-*.json fixtures: an OB 3.0 credential signed with an
// ecdsa-sd-2023 base proof and derived by Digital Bazaar's implementation
// (@digitalbazaar/ecdsa-sd-2023-cryptosuite 3.4.1, ecdsa-multikey 1.8, data-integrity 2.5,
// jsonld-signatures 11.6), contexts from ../../../contexts. Not run by the tests: the fixtures are
// committed. `node make-dbjs.mjs` prints the derived credential, `node make-dbjs.mjs base` the
// base-signed one; dbjs-ob-derived.json and dbjs-ob-base.json were made without the
// `identifier` (no JSON boolean), dbjs-ob-boolean-derived.json with it. Fresh key each run.
import {readFileSync} from 'node:fs';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as sd from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import jsigs from 'jsonld-signatures';
const {purposes: {AssertionProofPurpose}} = jsigs;
const dir = new URL('../../../contexts/', import.meta.url).pathname;
const files = {
  'https://www.w3.org/ns/credentials/v2': 'validator_credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'validator_ob-v3p0-3.0.3.json',
};
const documentLoader = async url => {
  if(files[url]) return {contextUrl: null, documentUrl: url, document: JSON.parse(readFileSync(dir + files[url], 'utf8'))};
  throw new Error('not offline: ' + url);
};
const kp = await EcdsaMultikey.generate({curve: 'P-256'});
const did = `did:key:${kp.publicKeyMultibase}`;
kp.id = `${did}#${kp.publicKeyMultibase}`; kp.controller = did;
const doc = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: 'urn:uuid:0d9f2c57-3b1e-4f0a-9d7e-6a1b2c3d4e5f',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: {id: did, type: ['Profile'], name: 'Independent Test Issuer'},
  validFrom: '2025-01-01T00:00:00Z',
  name: 'Forklift Operation',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [{type: 'IdentityObject', hashed: false, identityType: 'emailAddress', identityHash: 'learner@example.org'}],
    achievement: {
      id: 'https://example.org/achievements/forklift', type: ['Achievement'],
      name: 'Forklift Operation', description: 'Operates a forklift safely.',
      criteria: {narrative: 'Completed 20 supervised hours.'},
      tag: ['warehouse', 'night shift']
    }
  }
};
const base = await jsigs.sign(doc, {suite: new DataIntegrityProof({signer: kp.signer(),
  cryptosuite: sd.createSignCryptosuite({mandatoryPointers: ['/issuer', '/validFrom', '/name', '/credentialSubject/achievement/name', '/credentialSubject/achievement/criteria']})}),
  purpose: new AssertionProofPurpose(), documentLoader});
const derived = await jsigs.derive(base, {suite: new DataIntegrityProof({
  cryptosuite: sd.createDiscloseCryptosuite({selectivePointers: ['/credentialSubject/achievement/description', '/credentialSubject/identifier']})}),
  purpose: new AssertionProofPurpose(), documentLoader});
const which = process.argv[2];
console.log(JSON.stringify(which === 'base' ? base : derived, null, 2));

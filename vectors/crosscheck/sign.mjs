#!/usr/bin/env node
// Wellspring cross-check, reverse direction: sign a few OB 3.0 / CLR 2.0
// credentials with Digital Bazaar's issuer stack (@digitalbazaar/vc issue +
// data-integrity + eddsa-rdfc-2022-cryptosuite + ed25519-multikey), fully
// offline, so that Wellspring's verifier can be run on them (run.sh
// --dbz-signed).
//
// Usage:
//   node sign.mjs --contexts DIR --out OUTDIR [--verbose]
//
// The output is deterministic: the Ed25519 key comes from a fixed seed
// (sha256 of SEED_LABEL), the issuer is that key's did:key DID and every
// proof carries `created` = CREATED. Ed25519 signatures are deterministic,
// so running this twice writes byte-identical files.
//
// For every credential NAME it writes OUTDIR/NAME.json (as signed) and
// OUTDIR/NAME.tampered.json (same, with `name` changed after signing).

import {createHash} from 'node:crypto';
import {mkdirSync, writeFileSync, existsSync} from 'node:fs';
import path from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

import {UsageError, loadKeys, makeDocumentLoader} from './loader.mjs';

const SEED_LABEL = 'wellspring-crosscheck/dbz-issuer';
const CREATED = '2025-02-01T00:00:00Z';
const VALID_FROM = '2025-01-01T00:00:00Z';

const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_303 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const OB_EXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
const CLR_201 = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';
const OB_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/' +
  'ob_v3p0_achievementcredential_schema.json';

const LEARNER = 'did:example:dbz-crosscheck-learner';
const EMAIL = 'conformance@imsglobal.org';
const SALT = 'dbz-crosscheck-salt';

function sha256(data) {
  return createHash('sha256').update(data).digest();
}

function parseArgs(argv) {
  const opts = {contexts: null, out: null, verbose: false};
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if(i + 1 >= argv.length) {
        throw new UsageError(`${a} needs a value`);
      }
      return argv[++i];
    };
    switch(a) {
      case '--contexts': opts.contexts = value(); break;
      case '--out': opts.out = value(); break;
      case '--verbose': opts.verbose = true; break;
      case '-h': case '--help': throw new UsageError('');
      default: throw new UsageError(`unexpected argument ${a}`);
    }
  }
  if(!opts.contexts) {
    throw new UsageError('--contexts DIR is required');
  }
  if(!existsSync(opts.contexts)) {
    throw new UsageError(`--contexts ${opts.contexts}: no such directory`);
  }
  if(!opts.out) {
    throw new UsageError('--out OUTDIR is required');
  }
  return opts;
}

// The issuer key: Ed25519 from a fixed 32-byte seed, named after its did:key.
async function issuerKey() {
  const seed = new Uint8Array(sha256(SEED_LABEL));
  // the did:key method-specific id is the key's publicKeyMultibase (z6Mk...)
  const {publicKeyMultibase} = await Ed25519Multikey.generate({seed});
  const did = `did:key:${publicKeyMultibase}`;
  const keyPair = await Ed25519Multikey.generate(
    {seed, id: `${did}#${publicKeyMultibase}`, controller: did});
  return {did, keyPair};
}

// ---------------------------------------------------------------------------
// the unsigned credentials

function issuerProfile(did, name) {
  return {id: did, type: ['Profile'], name};
}

// (a) the smallest useful OpenBadgeCredential
function minimalBadge(did) {
  return {
    '@context': [VC_V2, OB_303],
    id: 'urn:uuid:6b1f7c52-2a0e-4c0e-9a55-0d8a4f1e1a01',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: issuerProfile(did, 'Digital Bazaar Cross-check Issuer'),
    validFrom: VALID_FROM,
    name: 'Cross-check Minimal Badge',
    credentialSubject: {
      id: LEARNER,
      type: ['AchievementSubject'],
      achievement: {
        id: 'urn:uuid:0f3c9a1e-5d7b-4e41-8c2a-7b9d1e6f2a11',
        type: ['Achievement'],
        name: 'Cross-check Course One',
        description: 'Awarded for a credential signed by another stack.',
        criteria: {narrative: 'Be signed by Digital Bazaar, verified by us.'},
      },
    },
  };
}

function alignment(code, name) {
  return {
    type: ['Alignment'],
    targetCode: code,
    targetName: name,
    targetDescription: `CASE item ${code}: ${name}.`,
    targetFramework: 'Cross-check Sample CASE Framework',
    targetType: 'CFItem',
    targetUrl: 'https://crosscheck.wellspring.example/ims/case/v1p0/' +
      `CFItems/${code}`,
  };
}

// (b) typed literals: xsd:boolean (hashed), xsd:float written as an integral
// JS number (creditsEarned 3) and as a fractional one (creditsAvailable 4.5),
// xsd:anyURI (targetUrl, achievedLevel, requiredLevel, resultDescription),
// an @list container (allowedValue), xsd:date (activityStartDate)
function typedLiteralsBadge(did) {
  const identityHash = 'sha256$' +
    sha256(EMAIL + SALT).toString('hex');
  const levelId = 'urn:uuid:4e2f0b7a-9c1d-4a3b-8e5f-6d7c8b9a0e21';
  const resultDescriptionId = 'urn:uuid:9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c31';
  return {
    '@context': [VC_V2, OB_303, OB_EXT],
    id: 'urn:uuid:2d4e6f80-1a3c-4e5a-8b7d-9f0a1b2c3d02',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: issuerProfile(did, 'Digital Bazaar Cross-check Issuer'),
    validFrom: VALID_FROM,
    name: 'Cross-check Typed Literals Badge',
    credentialSchema: [{id: OB_SCHEMA, type: '1EdTechJsonSchemaValidator2019'}],
    credentialSubject: {
      id: LEARNER,
      type: ['AchievementSubject'],
      identifier: [{
        type: 'IdentityObject',
        hashed: true,
        identityHash,
        identityType: 'emailAddress',
        salt: SALT,
      }],
      activityStartDate: '2024-09-01T00:00:00Z',
      creditsEarned: 3,
      achievement: {
        id: 'urn:uuid:7c5a3e1f-0b2d-4f6a-8e9c-1d3b5f7a9c12',
        type: ['Achievement'],
        achievementType: 'Course',
        name: 'Cross-check Course Two',
        description: 'Exercises typed literals in canonicalization.',
        criteria: {narrative: 'Earn at least the proficient level.'},
        creditsAvailable: 4.5,
        alignment: [alignment('XC.1', 'Canonicalize typed literals')],
        resultDescription: [{
          id: resultDescriptionId,
          type: ['ResultDescription'],
          name: 'Proficiency',
          resultType: 'RubricCriterionLevel',
          allowedValue: ['novice', 'proficient', 'expert'],
          requiredLevel: levelId,
          rubricCriterionLevel: [{
            id: levelId,
            type: ['RubricCriterionLevel'],
            name: 'Proficient',
            description: 'Handles every literal type.',
            level: '2',
            points: '4',
          }],
        }, {
          id: 'urn:uuid:5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e41',
          type: ['ResultDescription'],
          name: 'Final grade',
          resultType: 'LetterGrade',
          allowedValue: ['A', 'B', 'C', 'D', 'F'],
        }],
      },
      result: [{
        type: ['Result'],
        resultDescription: resultDescriptionId,
        achievedLevel: levelId,
        status: 'Completed',
        alignment: [alignment('XC.1.a', 'Report the level')],
      }, {
        type: ['Result'],
        resultDescription: 'urn:uuid:5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e41',
        value: 'A',
      }],
    },
  };
}

// (c) EndorsementCredential
function endorsement(did) {
  return {
    '@context': [VC_V2, OB_303],
    id: 'urn:uuid:8e1d3c5b-7a9f-4b2d-9c4e-6f8a0b2c4d03',
    type: ['VerifiableCredential', 'EndorsementCredential'],
    issuer: issuerProfile(did, 'Digital Bazaar Cross-check Endorser'),
    validFrom: VALID_FROM,
    name: 'Cross-check Endorsement',
    credentialSubject: {
      id: 'urn:uuid:0f3c9a1e-5d7b-4e41-8c2a-7b9d1e6f2a11',
      type: ['EndorsementSubject'],
      endorsementComment: 'Signed by one stack, verified by another.',
    },
  };
}

// (d) ClrCredential bundling the signed credential (a)
function clr(did, signedMinimal) {
  const first = signedMinimal.credentialSubject.achievement;
  const second = {
    id: 'urn:uuid:3b5d7f91-2c4e-4a6b-8d0f-1e3a5c7e9b13',
    type: ['Achievement'],
    name: 'Cross-check Course Three',
    description: 'A related achievement listed in the CLR only.',
    criteria: {narrative: 'Listed to have an association target.'},
  };
  return {
    '@context': [VC_V2, CLR_201, OB_303],
    id: 'urn:uuid:1c3e5a7b-9d2f-4c6e-8a0b-2d4f6a8c0e04',
    type: ['VerifiableCredential', 'ClrCredential'],
    issuer: issuerProfile(did, 'Digital Bazaar Cross-check Issuer'),
    validFrom: VALID_FROM,
    name: 'Cross-check Comprehensive Learner Record',
    credentialSubject: {
      id: LEARNER,
      type: ['ClrSubject'],
      verifiableCredential: [signedMinimal],
      achievement: [first, second],
      association: [{
        type: 'Association',
        associationType: 'isRelatedTo',
        sourceId: first.id,
        targetId: second.id,
      }],
    },
  };
}

// ---------------------------------------------------------------------------

async function sign(credential, {keyPair, documentLoader}) {
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    date: CREATED,
    cryptosuite: eddsaRdfc2022,
  });
  // vc.issue adds the proof to (and returns) the credential it is given
  return vc.issue({
    credential: structuredClone(credential), suite, documentLoader,
  });
}

function tamper(doc) {
  const copy = structuredClone(doc);
  copy.name = `${copy.name ?? ''} (tampered)`;
  return copy;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch(e) {
    if(e instanceof UsageError) {
      if(e.message) {
        process.stderr.write(`sign.mjs: ${e.message}\n`);
      }
      process.stderr.write(
        'usage: node sign.mjs --contexts DIR --out OUTDIR [--verbose]\n');
      return 2;
    }
    throw e;
  }
  const documentLoader = makeDocumentLoader({
    contextsDir: opts.contexts, keys: loadKeys(null), verbose: opts.verbose,
  });
  const {did, keyPair} = await issuerKey();
  const ctx = {keyPair, documentLoader};

  const signed = new Map();
  signed.set('dbz-ob-minimal', await sign(minimalBadge(did), ctx));
  signed.set('dbz-ob-typed-literals', await sign(typedLiteralsBadge(did), ctx));
  signed.set('dbz-endorsement', await sign(endorsement(did), ctx));
  signed.set('dbz-clr',
    await sign(clr(did, signed.get('dbz-ob-minimal')), ctx));

  mkdirSync(opts.out, {recursive: true});
  const write = (name, doc) => {
    const file = path.join(opts.out, `${name}.json`);
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    console.log(file);
  };
  for(const [name, doc] of signed) {
    write(name, doc);
    write(`${name}.tampered`, tamper(doc));
  }
  process.stderr.write(`sign.mjs: issuer ${did}\n`);
  return 0;
}

process.exitCode = await main();

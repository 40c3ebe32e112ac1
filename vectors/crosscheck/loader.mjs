// Wellspring cross-check: the offline JSON-LD document loader shared by
// verify.mjs and sign.mjs. Contexts come from our pinned copies (--contexts
// DIR), then from copies shipped inside the pinned npm packages; verification
// methods and controller documents come from an optional KEYS.json; did:key
// DIDs are resolved locally. Anything else is an error: nothing is fetched.

import {readFileSync, existsSync} from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didKey from '@digitalbazaar/did-method-key';

const require = createRequire(import.meta.url);

export const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const SECURITY_V2 = 'https://w3id.org/security/v2';

// URL -> file name inside the --contexts directory (our pinned copies).
export const CONTEXT_FILES = {
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

export class UsageError extends Error {}

// ---------------------------------------------------------------------------

export function loadKeys(keysPath) {
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

export function makeDocumentLoader({contextsDir, keys, verbose}) {
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

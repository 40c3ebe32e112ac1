// Differential JSON-LD to RDF check, digitalbazaar's side: writes N random JSON-LD documents to
// --out, each with an inline context that coerces values (xsd:integer, xsd:double, xsd:boolean,
// xsd:dateTime, @id, @vocab, @json), uses containers (@list, @set, @language, @index, @graph)
// and mixes numbers (fractions, beyond 2^53, beyond 10^21, negative zero), language strings,
// typed values, nested and referenced nodes; next to each `<name>.json`, the canonical N-Quads
// jsonld.js gives it (`<name>.nq`). run.sh --tordf-random compares them with
// `wellspring vectors canonicalize`.
//
// Left out on purpose (see AGREEMENT.md): relative IRIs (Wellspring refuses them: their
// statements would be dropped from a signature); language tags with capitals (JSON-LD 1.1 lets
// a processor lower-case them; jsonld.js does, Wellspring keeps them); numbers like 1e-7 whose
// JavaScript text has no "." (jsonld.js takes them for integers, "0"); one statement made twice
// (jsonld.js keeps both, an RDF dataset is a set).
//
//   node tordf.mjs --out DIR [--count 300] [--seed 1]
import jsonld from 'jsonld';
import fs from 'node:fs';
import path from 'node:path';
import { options, random } from './generator.mjs';

const { out, count, seed } = options('tordf.mjs', 300);
const { next, int } = random(seed);
const pick = (xs) => xs[int(0, xs.length - 1)];
const XSD = 'http://www.w3.org/2001/XMLSchema#';

const context = {
  '@vocab': 'https://example.org/v#',
  ex: 'https://example.org/v#',
  int: { '@id': 'ex:int', '@type': `${XSD}integer` },
  dbl: { '@id': 'ex:dbl', '@type': `${XSD}double` },
  bool: { '@id': 'ex:bool', '@type': `${XSD}boolean` },
  when: { '@id': 'ex:when', '@type': `${XSD}dateTime` },
  ref: { '@id': 'ex:ref', '@type': '@id' },
  term: { '@id': 'ex:term', '@type': '@vocab' },
  data: { '@id': 'ex:data', '@type': '@json' },
  seq: { '@id': 'ex:seq', '@container': '@list' },
  bag: { '@id': 'ex:bag', '@container': '@set' },
  label: { '@id': 'ex:label', '@container': '@language' },
  byKey: { '@id': 'ex:byKey', '@container': '@index' },
  inner: { '@id': 'ex:inner', '@container': '@graph' },
  fr: { '@id': 'ex:fr', '@language': 'fr' },
};

// Source text for numbers: JSON.stringify would round them before either side reads them.
const numbers = ['0', '-0.0', '3', '3.0', '-7', '1.5', '0.1', '2.5e-3', '1e3', '9007199254740993',
  '12345678901234567890', '-98765432109876543210', '123456789012345678901', '1e21', '1.0e22',
  '18446744073709551615', '4.2E1', '2.5e-7'];
const raw = new Map();
let rawN = 0;
const number = () => {
  const token = `__N${rawN++}__`;
  raw.set(token, pick(numbers));
  return token;
};
const strings = ['x', 'Grüße', 'a "quoted" word', 'tab\there', 'line\nbreak', '😀', '\u0000nul',
  '\\backslash', 'é', '2026-01-01T00:00:00Z'];
const scalar = () => {
  const r = next();
  if (r < 0.35) return number();
  if (r < 0.5) return next() < 0.5;
  return pick(strings);
};
const iri = () => `https://example.org/n${int(0, 5)}`;

const value = (key, depth) => {
  switch (key) {
    case 'int': case 'dbl': return number();
    case 'bool': return next() < 0.5;
    case 'when': return pick(['2026-01-01T00:00:00Z', '2026-12-03T10:00:00.5+01:00']);
    case 'ref': return next() < 0.8 ? iri() : `_:b${int(0, 3)}`;
    case 'term': return pick(['Thing', 'ex:Other', 'https://example.org/Absolute']);
    case 'data': return next() < 0.5 ? { b: [number(), 'x', null], a: { z: true, y: number() } }
      : [number(), { k: 'v' }];
    case 'seq': return [scalar(), scalar(), ...(depth < 2 ? [node(depth + 1)] : [])];
    case 'bag': return [scalar(), scalar(), scalar()];
    case 'label': return { en: pick(strings), de: [pick(strings), pick(strings)], 'zh-hant': 'x' };
    // Two entries never hold the same value: the index is not part of the statement, and
    // jsonld.js would keep the repeated statement twice (see AGREEMENT.md).
    case 'byKey': return { k1: `k1 ${pick(strings)}`, k2: depth < 2 ? node(depth + 1) : number() };
    case 'inner': return depth < 2 ? node(depth + 1) : { p: scalar() };
    case 'fr': return pick(strings);
    default: {
      const r = next();
      if (r < 0.15) return { '@value': pick(strings), '@language': pick(['en', 'en-us', 'de-ch']) };
      if (r < 0.25) return { '@value': pick(strings), '@type': pick([`${XSD}token`, 'ex:custom']) };
      if (r < 0.35 && depth < 2) return node(depth + 1);
      if (r < 0.45) return [scalar(), scalar()];
      return scalar();
    }
  }
};

const keys = ['int', 'dbl', 'bool', 'when', 'ref', 'term', 'data', 'seq', 'bag', 'label', 'byKey',
  'inner', 'fr', 'name', 'note', 'ex:prefixed', 'https://example.org/v#absolute'];
function node(depth) {
  const n = {};
  const r = next();
  if (r < 0.5) n['@id'] = iri();
  else if (r < 0.7) n['@id'] = `_:b${int(0, 3)}`;
  if (next() < 0.6) n['@type'] = next() < 0.5 ? 'Thing' : ['Thing', 'ex:Other'];
  for (let i = int(1, 5); i > 0; i--) {
    const k = pick(keys);
    n[k] = value(k, depth);
  }
  return n;
}

fs.mkdirSync(out, { recursive: true });
for (let n = 0; n < count; n++) {
  raw.clear();
  const doc = { '@context': context, ...node(0) };
  let text = JSON.stringify(doc);
  for (const [token, src] of raw) text = text.replace(`"${token}"`, src);
  const name = `d${String(n).padStart(4, '0')}`;
  fs.writeFileSync(path.join(out, `${name}.json`), text);
  const nq = await jsonld.canonize(JSON.parse(text), {
    algorithm: 'URDNA2015', format: 'application/n-quads', safe: false,
  });
  fs.writeFileSync(path.join(out, `${name}.nq`), nq);
}
console.log(`${count} documents in ${out}`);

// Differential RDFC-1.0 check, digitalbazaar's side: writes N random JSON-LD documents of blank
// nodes (self-loops, repeated statements, lists, language strings, a blank-node named graph) to
// --out, and next to each `<name>.json` the canonical N-Quads rdf-canonize gives it
// (`<name>.nq`). run.sh --rdfc-random compares them with `wellspring vectors canonicalize`.
//
//   node rdfc.mjs --out DIR [--count 400] [--seed 1]
import jsonld from 'jsonld';
import canonize from 'rdf-canonize';
import fs from 'node:fs';
import path from 'node:path';
import { options, random } from './generator.mjs';

const { out, count, seed } = options('rdfc.mjs', 400);
const { next, int } = random(seed);
const V = 'https://example.org/v#';

fs.mkdirSync(out, { recursive: true });
for (let n = 0; n < count; n++) {
  const k = int(2, 8);
  const preds = 'pqrs'.slice(0, int(1, 3));
  const nodes = new Map();
  const node = (id) => {
    if (!nodes.has(id)) nodes.set(id, { '@id': `_:${id}` });
    return nodes.get(id);
  };
  for (let e = int(k - 1, 2 * k + 2); e > 0; e--) {
    const s = node(`n${int(0, k - 1)}`);
    const p = V + preds[int(0, preds.length - 1)];
    (s[p] ||= []).push({ '@id': `_:n${int(0, k - 1)}` });
  }
  for (const nd of nodes.values()) {
    const r = next();
    if (r < 0.2) nd[V + 'lit'] = ['x', 'x'];
    else if (r < 0.3) nd[V + 'lit'] = [{ '@value': 'y', '@language': 'en' }, 'y'];
    else if (r < 0.4) nd[V + 'l'] = { '@list': [{ '@id': '_:n0' }, 'z'] };
  }
  let doc = { '@graph': [...nodes.values()] };
  if (next() < 0.3) {
    doc = { '@graph': [{ '@id': '_:g1', '@graph': [...nodes.values()] },
      { '@id': '_:n0', [V + 'p']: { '@id': '_:g1' } }] };
  }
  const name = `g${String(n).padStart(4, '0')}`;
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(doc));
  const nq = await jsonld.toRDF(doc, { format: 'application/n-quads', safe: false });
  const canon = await canonize.canonize(nq, {
    algorithm: 'RDFC-1.0', inputFormat: 'application/n-quads', format: 'application/n-quads',
    maxDeepIterations: Infinity, maxWorkFactor: Infinity,
  });
  fs.writeFileSync(path.join(out, `${name}.nq`), canon);
}
console.log(`${count} documents in ${out}`);

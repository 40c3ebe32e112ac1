// What the random differential generators (rdfc.mjs, tordf.mjs) share: their command line
// (`--out DIR [--count N] [--seed S]`) and a seeded random source that gives the same documents
// on every machine.

/// The generator's options; exits 2 without --out.
export function options(script, defaultCount) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : dflt;
  };
  const out = arg('--out');
  if (!out) {
    console.error(`${script}: --out DIR is required`);
    process.exit(2);
  }
  return { out, count: Number(arg('--count', String(defaultCount))), seed: arg('--seed', '1') };
}

/// xorshift64*: `next()` in [0, 1), `int(lo, hi)` inclusive.
export function random(seed) {
  let state = BigInt(seed) | 1n;
  const next = () => {
    state ^= state >> 12n; state ^= (state << 25n) & 0xffffffffffffffffn; state ^= state >> 27n;
    return Number(((state * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 11n) / 2 ** 53;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int };
}

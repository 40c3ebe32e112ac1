//! Writes the benchmark's synthetic package to a file:
//! `cargo run --release -p wellspring-suite-case10 --example synth_package -- OUT [ITEMS] [ASSOCIATIONS]`

#[path = "../benches/synth.rs"]
mod synth;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .expect("usage: synth_package OUT [ITEMS] [ASSOCIATIONS]");
    let items = args.next().map_or(100_000, |s| s.parse().expect("ITEMS"));
    let assocs = args
        .next()
        .map_or(150_000, |s| s.parse().expect("ASSOCIATIONS"));
    std::fs::write(&out, synth::package(items, assocs, 8)).expect("write OUT");
}

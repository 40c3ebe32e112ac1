//! Checks one package file and prints the human report and the time `check` took; for
//! measuring peak memory from outside: `/usr/bin/time -v target/release/examples/case_check_file FILE`.

use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: case_check_file FILE");
    let bytes = std::fs::read(&path).expect("read FILE");
    let t = Instant::now();
    let report = wellspring_suite_case10::check(&path, &bytes, &Default::default());
    let dt = t.elapsed();
    print!("{}", wellspring_report::render::human(&[report], false));
    eprintln!("check took {dt:.2?}");
}

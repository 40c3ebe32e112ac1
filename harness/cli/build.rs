//! Records the source commit the binary is built from, for reports (`tool.commit`):
//! `WELLSPRING_COMMIT` when set (release builds from a tarball), else `git rev-parse`, else
//! `unknown` (a tarball without .git builds too).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=WELLSPRING_COMMIT");
    let given = std::env::var("WELLSPRING_COMMIT")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let commit = given.or_else(|| {
        let c = git(&["rev-parse", "--short=12", "HEAD"])?;
        // build again when HEAD moves (a commit, a checkout)
        for p in ["HEAD", "logs/HEAD"] {
            if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", p]) {
                println!("cargo:rerun-if-changed={path}");
            }
        }
        Some(c)
    });
    println!(
        "cargo:rustc-env=WELLSPRING_COMMIT={}",
        commit.unwrap_or_else(|| "unknown".into())
    );
}

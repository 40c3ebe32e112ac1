//! Every `wellspring …` command line in the project's Markdown files (README.md, ARCHITECTURE.md,
//! the sub-READMEs) parses against the CLI as it is: subcommands, flags and values. The binary
//! runs with `WELLSPRING_PARSE_ONLY=1`, which stops right after argument parsing, so nothing is
//! served, fetched or written. A command renamed or a flag dropped without its docs fails here.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Markdown files of the project (not vendored crates, build output or dependencies).
fn markdown(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !matches!(name.as_str(), "target" | "vendor" | "node_modules" | ".git") {
                markdown(&p, out);
            }
        } else if name.ends_with(".md") {
            out.push(p);
        }
    }
}

/// Shell words of one command line, up to the first pipe, redirection, `;`, `&&` or comment.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            '"' => {
                in_word = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                cur.push(e);
                            }
                        }
                        _ => cur.push(d),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(e) = chars.next() {
                    cur.push(e);
                }
            }
            ' ' | '\t' => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '|' | '>' | '<' | ';' | '&' => break,
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    // a redirection written as 2>…: the "2" is not an argument
    if out.last().is_some_and(|w| w == "2") && line.contains("2>") {
        out.pop();
    }
    out
}

/// A usage synopsis rather than a command: alternatives, optional parts, placeholders.
fn is_synopsis(span: &str) -> bool {
    span.contains(['|', '[', '<', '…', '{'])
        || span.contains("...")
        || span.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        })
}

/// (file, line number, arguments after `wellspring`, whole command?) of every command line: each line of a
/// fenced block that starts with `wellspring` (continued by trailing backslashes), and each
/// inline code span that is a whole command.
fn commands() -> Vec<(String, usize, Vec<String>, bool)> {
    let mut files = Vec::new();
    markdown(&root(), &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let rel = f
            .strip_prefix(root())
            .unwrap_or(&f)
            .display()
            .to_string()
            .trim_start_matches("./")
            .to_owned();
        let mut fenced = false;
        let mut pending: Option<(usize, String)> = None;
        for (i, raw) in text.lines().enumerate() {
            if raw.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if !fenced {
                // inline `wellspring …` spans that are whole commands, not synopses
                for span in raw.split('`').skip(1).step_by(2) {
                    if span.starts_with("wellspring ") && !is_synopsis(span) {
                        out.push((rel.clone(), i + 1, words(span)[1..].to_vec(), false));
                    }
                }
                continue;
            }
            let line = raw.trim();
            let (start, joined) = match pending.take() {
                Some((n, acc)) => (n, format!("{acc} {line}")),
                None => {
                    let l = line.strip_prefix("$ ").unwrap_or(line);
                    if !l.starts_with("wellspring ") {
                        continue;
                    }
                    (i + 1, l.to_owned())
                }
            };
            if let Some(head) = joined.strip_suffix('\\') {
                pending = Some((start, head.trim_end().to_owned()));
                continue;
            }
            let w = words(&joined);
            if w.first().is_some_and(|x| x == "wellspring") {
                out.push((rel.clone(), start, w[1..].to_vec(), true));
            }
        }
    }
    out
}

/// A whole command (a fenced line) parses; an inline mention names a real subcommand and only
/// flags that subcommand has (its `--help` lists them).
fn problem(args: &[String], whole: bool) -> Option<String> {
    let bin = env!("CARGO_BIN_EXE_wellspring");
    if whole {
        let o = Command::new(bin)
            .args(args)
            .env("WELLSPRING_PARSE_ONLY", "1")
            .output()
            .unwrap();
        return (!o.status.success()).then(|| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("")
                .to_owned()
        });
    }
    let path: Vec<&String> = args.iter().take_while(|a| !a.starts_with('-')).collect();
    let mut path_args: Vec<&str> = path.iter().map(|s| s.as_str()).collect();
    // positional values after the subcommands are not subcommands: keep the longest prefix
    // that has a help page
    let help = loop {
        let o = Command::new(bin)
            .args(&path_args)
            .arg("--help")
            .output()
            .unwrap();
        if o.status.success() && !(path_args.is_empty() && !path.is_empty()) {
            break String::from_utf8_lossy(&o.stdout).into_owned();
        }
        if path_args.pop().is_none() {
            return Some(format!("no such subcommand: {}", path[0]));
        }
    };
    let missing: Vec<&String> = args
        .iter()
        .filter(|a| a.starts_with("--"))
        .filter(|a| {
            let flag = a.split('=').next().unwrap_or(a);
            !help.contains(&format!("{flag} "))
                && !help.contains(&format!("{flag}\n"))
                && !help.contains(&format!("{flag}="))
        })
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "unknown flag(s) for `wellspring {}`: {missing:?}",
            path_args.join(" ")
        )
    })
}

#[test]
fn every_documented_command_line_parses() {
    let cmds = commands();
    assert!(cmds.len() > 60, "only {} command lines found", cmds.len());
    let mut bad = Vec::new();
    for (file, line, args, whole) in &cmds {
        if let Some(p) = problem(args, *whole) {
            bad.push(format!(
                "{file}:{line}: wellspring {}\n    {p}",
                args.join(" ")
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} documented command lines do not parse:\n{}",
        bad.len(),
        cmds.len(),
        bad.join("\n")
    );
}

#[test]
fn the_parser_of_this_test_reads_shell_lines() {
    assert_eq!(
        words("wellspring verify 'a b.json' --format jsonl | head # list"),
        ["wellspring", "verify", "a b.json", "--format", "jsonl"]
    );
    assert_eq!(
        words("wellspring x \"$T\" 2>/dev/null"),
        ["wellspring", "x", "$T"]
    );
    // a misspelled flag is caught, in a whole command and in a mention
    let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(problem(&args(&["verify", "--no-such-flag", "x.json"]), true).is_some());
    assert!(problem(&args(&["verify", "--no-such-flag"]), false).is_some());
    assert!(problem(&args(&["no-such-command"]), false).is_some());
    assert!(problem(&args(&["verify", "--strict"]), false).is_none());
}

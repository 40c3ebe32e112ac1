//! `cargo bench -p wellspring-verify --bench hostile`: how long the core takes to REFUSE
//! hostile inputs (issue 15): a poison graph (a clique of indistinguishable blank nodes,
//! RDFC-1.0's worst case), a remote context chain (each context imports the next, served by a
//! loopback server through `--online`'s fetch hook), and a billion-laughs SVG. Prints the
//! median and worst of N runs each; the target is well under a second.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wellspring_verify::{baked, di, keys, loader::ContextLoader, verify_bytes, Options};

const RUNS: usize = 9;

fn signed_minimal() -> Value {
    let k = keys::ed25519_from_seed([1; 32]);
    let (did, vm) = keys::did_key_of(&k).unwrap();
    let c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Wellspring Test College"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.org/achievements/teamwork", "type": ["Achievement"],
                "name": "Teamwork", "description": "Collaborates in a group.",
                "criteria": {"narrative": "Nominated by peers."}}}
    });
    di::sign(
        &c,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap()
}

fn poison(k: usize) -> Vec<u8> {
    let mut c = signed_minimal();
    let nodes: Vec<Value> = (0..k)
        .map(|i| {
            let others: Vec<Value> = (0..k)
                .filter(|j| *j != i)
                .map(|j| json!({ "id": format!("_:b{j}") }))
                .collect();
            json!({ "id": format!("_:b{i}"), "https://schema.org/knows": others })
        })
        .collect();
    c["credentialSubject"]["https://schema.org/knows"] = Value::Array(nodes);
    serde_json::to_vec(&c).unwrap()
}

/// A loopback server where context N imports context N+1, forever.
fn context_chain_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let b = base.clone();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let mut s = s;
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let i: u64 = req
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.trim_start_matches("/ctx/").parse().ok())
                .unwrap_or(0);
            let body =
                json!({"@context": [format!("{b}/ctx/{}", i + 1), {"x": "https://example.org/x"}]})
                    .to_string();
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: application/ld+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

fn chain_credential(base: &str) -> Vec<u8> {
    let mut c = signed_minimal();
    c["@context"]
        .as_array_mut()
        .unwrap()
        .push(format!("{base}/ctx/0").into());
    serde_json::to_vec(&c).unwrap()
}

fn billion_laughs() -> Vec<u8> {
    let text = serde_json::to_string_pretty(&signed_minimal()).unwrap();
    let mut dtd = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY l0 \"ha\">\n");
    for i in 1..=9 {
        dtd.push_str(&format!(
            "<!ENTITY l{i} \"{}\">\n",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    dtd.push_str("]>\n");
    let svg = baked::bake_svg(&text).replacen("<circle", "<desc>&l9;</desc><circle", 1);
    format!("{dtd}{svg}").into_bytes()
}

fn time(name: &str, bytes: &[u8], opts: &Options) {
    let mut t: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let r = verify_bytes(name, bytes, opts);
            assert!(!r.passed(), "{name} must be refused");
            start.elapsed()
        })
        .collect();
    t.sort();
    println!(
        "{name:<34} refused: median {:>9.3} ms, worst {:>9.3} ms ({RUNS} runs)",
        t[RUNS / 2].as_secs_f64() * 1e3,
        t[RUNS - 1].as_secs_f64() * 1e3
    );
}

fn main() {
    let now = "2026-01-01T00:00:00Z".parse().unwrap();
    let offline = Options::offline(now);
    for k in [6, 10, 14] {
        time(&format!("poison graph, {k}-clique"), &poison(k), &offline);
    }
    time("billion-laughs SVG", &billion_laughs(), &offline);
    let base = context_chain_server();
    let fetch: wellspring_verify::loader::Fetch = Arc::new(|url: &str| {
        reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?
            .get(url)
            .send()
            .and_then(|r| r.text())
            .map_err(|e| e.to_string())
    });
    let online = Options::offline(now).with_network(fetch);
    time(
        "remote context chain (loopback)",
        &chain_credential(&base),
        &online,
    );
}

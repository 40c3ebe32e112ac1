//! `cargo bench -p wellspring-verify`: end-to-end verification of one eddsa-rdfc-2022
//! OB 3.0 credential (parse, contexts, JSON-LD expansion, schema, RDFC-1.0, Ed25519, dates),
//! on one thread and on every core. Prints verifications per second.

use std::time::{Duration, Instant};

/// The CLI uses the same allocator: JSON-LD context processing is allocation-bound.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use serde_json::json;
use wellspring_verify::{di, keys, loader::ContextLoader, verify_bytes, Options};

fn main() {
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
    let signed = di::sign(
        &c,
        &k,
        &vm,
        "2025-01-01T00:00:00Z",
        &ContextLoader::offline(),
    )
    .unwrap();
    let bytes = serde_json::to_vec(&signed).unwrap();
    let opts = Options::offline("2026-01-01T00:00:00Z".parse().unwrap());
    assert!(verify_bytes("bench", &bytes, &opts).passed());

    let window = Duration::from_secs(
        std::env::var("BENCH_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5),
    );
    let run = |threads: usize| {
        let start = Instant::now();
        let total: usize = std::thread::scope(|s| {
            let hs: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut n = 0;
                        while start.elapsed() < window {
                            assert!(verify_bytes("bench", &bytes, &opts).passed());
                            n += 1;
                        }
                        n
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        });
        total as f64 / start.elapsed().as_secs_f64()
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "verify eddsa-rdfc-2022 OB 3.0 credential, 1 thread:  {:>8.0} verifications/s",
        run(1)
    );
    println!(
        "verify eddsa-rdfc-2022 OB 3.0 credential, {cores} threads: {:>8.0} verifications/s",
        run(cores)
    );
}

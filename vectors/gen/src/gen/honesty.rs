//! Vectors for honest verdicts (issue 15): who is authenticated, what was not checked, and
//! inputs that used to crash or hang a verifier. Each pairs a default-policy verdict with the
//! relying-party one (`strict`: `--require-bound-key --require-status`) where they differ.

use serde_json::{json, Value};
use wellspring_verify::baked;

use super::{Gen, R};
use crate::creds::{self, REVOCATION_LIST_URL};
use crate::manifest::{pretty, Entry};
use crate::sign;

/// A university the forger pretends to be.
const CLAIMED_ISSUER: &str = "https://university.example/issuers/registrar";
/// How many mutually linked blank nodes the poison graph has (RDFC-1.0 then needs 9! work
/// per node without a budget).
const CLIQUE: usize = 10;

impl Gen<'_> {
    pub(super) fn honesty(&mut self) -> R {
        self.unauthenticated_issuers()?;
        self.status_not_checked()?;
        self.jwt_rules()?;
        self.poison_graph()?;
        self.svg_dtd()?;
        self.selective_disclosure()
    }

    /// An ecdsa-sd-2023 derived credential (made through `ssi`, P-256 did:key), and the same with
    /// a disclosed value changed after derivation.
    fn selective_disclosure(&mut self) -> R {
        let seed = crate::keys::seed("ecdsa-sd-2023");
        let derived = wellspring_verify::sd::derived_example(seed)?;
        let mut e = Entry::valid(
            "valid/ob-derived.ecdsa-sd-2023.json",
            "OpenBadgeCredential with an ecdsa-sd-2023 derived (selectively disclosed) proof by a P-256 did:key",
            "ecdsa-sd-2023",
        );
        e.proof_valid = None;
        self.put_json(e, &derived)?;
        let mut tampered = derived.clone();
        tampered["name"] = "Tampered after derivation".into();
        let e = Entry::invalid(
            "invalid/ob3.proof.ecdsa-sd-2023.tampered-disclosed.json",
            &["ob3.proof.ecdsa-sd-2023"],
            "ecdsa-sd-2023 derived credential whose disclosed name changed after derivation",
            "ecdsa-sd-2023",
            None,
        );
        self.put_json(e, &tampered)
    }

    /// A key nothing binds to the issuer: conforms by default (warning, caveat), fails for a
    /// relying party.
    fn unauthenticated_issuers(&mut self) -> R {
        let k = self.k;
        // did:key signature, issuer id a urn:uuid (the 1EdTech validator accepts this shape).
        let urn_issuer = creds::urn("issuer/registrar");
        let c = creds::to_json(&creds::ob_minimal("honesty/urn-issuer", &urn_issuer));
        let signed = sign::eddsa(&c, &k.issuer)?;
        let e = Entry::valid(
            "valid/unauthenticated.urn-issuer.eddsa.json",
            "issuer id is a urn:uuid, signed by an unrelated did:key: conforms (the spec does not require the binding), headline \"signature valid — issuer NOT authenticated\"",
            "eddsa-rdfc-2022",
        )
        .with_warn(&["ob3.proof.controller"]);
        self.put_json(e, &signed)?;
        let e = Entry::invalid(
            "invalid/ob3.proof.controller.urn-issuer.strict.json",
            &["ob3.proof.controller"],
            "the same credential judged by a relying party (--require-bound-key): the did:key is not the issuer id",
            "eddsa-rdfc-2022",
            Some(true),
        )
        .strict();
        self.put_json(e, &signed)?;

        // VC-JWT forgery: claims a university, signed by a fresh key carried in the header.
        let c = creds::to_json(&creds::ob_minimal("honesty/jwk-forgery", CLAIMED_ISSUER));
        let forged = sign::vc_jwt_embedded_key(&c, &k.wrong)?;
        let e = Entry::valid(
            "valid/unauthenticated.jwk-forgery.eddsa.jwt",
            "VC-JWT claiming a university as issuer, signed by a key carried inline in the JOSE header: the signature is valid but nothing binds the key to the university (never headlined VERIFIED)",
            "vc-jwt-EdDSA",
        )
        .with_warn(&["ob3.proof.controller"]);
        self.put(e, forged.as_bytes())?;
        let e = Entry::invalid(
            "invalid/ob3.proof.controller.jwk-forgery.strict.jwt",
            &["ob3.proof.controller"],
            "the same forgery judged by a relying party (--require-bound-key): an inline jwk never binds",
            "vc-jwt-EdDSA",
            None,
        )
        .strict();
        self.put(e, forged.as_bytes())
    }

    /// A revocation list nobody gave the verifier: never "not revoked".
    fn status_not_checked(&mut self) -> R {
        let c = self.with_revocation_list("honesty/status-unchecked");
        let signed = sign::eddsa(&c, &self.k.issuer)?;
        let e = Entry::valid(
            "valid/unchecked.revocation-list.eddsa.json",
            format!("1EdTechRevocationList status whose list ({REVOCATION_LIST_URL}) is not given: conforms with a warning, headline \"status not checked\""),
            "eddsa-rdfc-2022",
        )
        .with_warn(&["ob3.status"]);
        self.put_json(e, &signed)?;
        let e = Entry::invalid(
            "invalid/ob3.status.not-checked.strict.json",
            &["ob3.status"],
            "the same credential judged by a relying party (--require-status): a status that cannot be determined fails",
            "eddsa-rdfc-2022",
            Some(true),
        )
        .strict();
        self.put_json(e, &signed)
    }

    /// RFC 7515 `crit`, and `exp` standing in for a missing validUntil.
    fn jwt_rules(&mut self) -> R {
        self.jwt_header_rules()?;
        self.jwt_exp_only()
    }

    /// Validly signed VC-JWTs whose JOSE header must be rejected: an unknown critical extension
    /// (RFC 7515 `crit`), a typ other than JWT, a header beyond alg, kid, jwk and typ (OB 3.0).
    fn jwt_header_rules(&mut self) -> R {
        let k = self.k;
        let c = self.minimal("honesty/crit");
        let payload = sign::direct_payload(&c, sign::claims_for(&c));
        let mut header = sign::header("EdDSA", Some(&k.issuer.vm));
        header.insert("crit".into(), json!(["wellspring-unknown-extension"]));
        header.insert("wellspring-unknown-extension".into(), true.into());
        let jws = sign::compact(&header, &payload, &k.issuer.jwk, "EdDSA")?;
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.crit-unknown.jwt",
            &["ob3.proof.vc-jwt"],
            "validly signed VC-JWT whose header marks an extension this verifier cannot understand as critical (crit): RFC 7515 §4.1.11 requires rejecting it",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(e, jws.as_bytes())?;

        // OB 3.0 § JOSE Header: typ, when present, is "JWT"; no header beyond alg, kid, jwk, typ
        for (label, name, value, why) in [
            (
                "typ-not-jwt",
                "typ",
                json!("vc+ld+json"),
                "validly signed VC-JWT whose JOSE header typ is vc+ld+json: OB 3.0 allows only \"JWT\" when typ is present",
            ),
            (
                "extra-header",
                "x5u",
                json!("https://attacker.example/cert.pem"),
                "validly signed VC-JWT whose JOSE header adds x5u (a key URL the verifier would fetch): OB 3.0 allows no header beyond alg, kid, jwk and typ",
            ),
        ] {
            let c = self.minimal(&format!("honesty/{label}"));
            let payload = sign::direct_payload(&c, sign::claims_for(&c));
            let mut header = sign::header("EdDSA", Some(&k.issuer.vm));
            header.insert(name.into(), value);
            let jws = sign::compact(&header, &payload, &k.issuer.jwk, "EdDSA")?;
            let e = Entry::invalid(
                &format!("invalid/ob3.proof.vc-jwt.{label}.jwt"),
                &["ob3.proof.vc-jwt"],
                why,
                "vc-jwt-EdDSA",
                None,
            );
            self.put(e, jws.as_bytes())?;
        }
        Ok(())
    }

    /// VC-JWTs without validUntil whose `exp` bounds the credential: in the future, and past.
    fn jwt_exp_only(&mut self) -> R {
        let k = self.k;
        for (label, exp, expired) in [
            ("exp-future", "2030-01-01T00:00:00Z", false),
            ("exp-past", "2025-06-30T00:00:00Z", true),
        ] {
            let c = self.minimal(&format!("honesty/{label}"));
            let mut claims = sign::claims_for(&c);
            let t = wellspring_verify::jwt::numeric_date(exp).ok_or("bad date")?;
            claims.insert("exp".into(), t.into());
            let payload = sign::direct_payload(&c, claims);
            let jws = sign::compact(
                &sign::header("EdDSA", Some(&k.issuer.vm)),
                &payload,
                &k.issuer.jwk,
                "EdDSA",
            )?;
            let e = if expired {
                Entry::invalid(
                    "invalid/ob3.validity.valid-until.jwt-exp-only.eddsa.jwt",
                    &["ob3.validity.valid-until"],
                    "VC-JWT without validUntil whose exp claim (2025-06-30) is before now: exp bounds the credential",
                    "vc-jwt-EdDSA",
                    None,
                )
            } else {
                Entry::valid(
                    "valid/ob-minimal.exp-claim-only.eddsa.jwt",
                    "VC-JWT without validUntil but with an exp claim (2030): not a claim mismatch; the expiry is exp",
                    "vc-jwt-EdDSA",
                )
            };
            self.put(e, jws.as_bytes())?;
        }
        Ok(())
    }

    /// Ten blank nodes each linked to all the others: indistinguishable to RDFC-1.0, whose
    /// Hash N-Degree Quads step then explodes. Unsignable (by design); the proof is the
    /// signature of the same credential without the clique.
    fn poison_graph(&mut self) -> R {
        let mut c = self.signed_minimal("honesty/poison")?;
        let nodes: Vec<Value> = (0..CLIQUE)
            .map(|i| {
                let others: Vec<Value> = (0..CLIQUE)
                    .filter(|j| *j != i)
                    .map(|j| json!({ "id": format!("_:b{j}") }))
                    .collect();
                json!({ "id": format!("_:b{i}"), "https://schema.org/knows": others })
            })
            .collect();
        c["credentialSubject"]["https://schema.org/knows"] = Value::Array(nodes);
        let e = Entry::invalid(
            "invalid/ob3.proof.eddsa-rdfc-2022.poison-blank-nodes.json",
            &["ob3.proof.eddsa-rdfc-2022"],
            "credentialSubject holds a clique of 10 indistinguishable blank nodes (a poison graph): canonicalization must stop within its work budget and the proof fail, in well under a second",
            "eddsa-rdfc-2022",
            Some(false),
        );
        self.put_json(e, &c)
    }

    /// A DOCTYPE (and a harmless entity) is fine; a billion-laughs entity chain is refused.
    fn svg_dtd(&mut self) -> R {
        let text = pretty(&self.signed_minimal("honesty/svg-doctype")?);
        let plain = baked::bake_svg(&text);
        let doctype = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [\n  <!ENTITY ns_svg \"http://www.w3.org/2000/svg\">\n]>\n";
        let e = Entry {
            proof_valid: None,
            ..Entry::valid(
                "valid/baked.doctype.eddsa.svg",
                "baked SVG with an XML declaration and the SVG 1.1 DOCTYPE declaring one entity (as illustration tools write them)",
                "eddsa-rdfc-2022",
            )
        };
        self.put(e, format!("{doctype}{plain}").as_bytes())?;
        let mut laughs =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n  <!ENTITY l0 \"ha\">\n");
        for i in 1..=9 {
            let prev = format!("&l{};", i - 1).repeat(10);
            laughs.push_str(&format!("  <!ENTITY l{i} \"{prev}\">\n"));
        }
        laughs.push_str("]>\n");
        let bomb = plain.replacen("<circle", "<desc>&l9;</desc>\n<circle", 1);
        let e = Entry::invalid(
            "invalid/ob3.baked.svg.entity-expansion.svg",
            &["ob3.baked.svg"],
            "baked SVG whose DOCTYPE defines nested entities expanding to 10^9 characters (billion laughs): refused before parsing",
            "eddsa-rdfc-2022",
            None,
        );
        self.put(e, format!("{laughs}{bomb}").as_bytes())
    }
}

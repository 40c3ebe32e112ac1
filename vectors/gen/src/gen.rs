//! The vector set: what each file is, how it is made, and what a verifier must say about it.
//!
//! Rule for invalid vectors: one violation each. Properties are broken *before* signing
//! (so the signature over the broken credential verifies), proofs are broken *after*.

use serde_json::{json, Value};
use wellspring_model::{Association, CONTEXT_OB_EXTENSIONS};
use wellspring_verify::baked;
use wellspring_verify::jwt::PayloadForm;

use crate::creds::{self, urn, BITSTRING_LIST_URL, RECIPIENT_EMAIL, REVOCATION_LIST_URL};
use crate::keys::{Key, Keys};
use crate::manifest::{pretty, Entry};
use crate::sign;
use crate::Writer;

mod honesty;

pub const RECIPIENT: &str = "email:conformance@imsglobal.org";
const REVOCATION_LIST_FILE: &str = "status/revocation-list.json";
const BITSTRING_LIST_FILE: &str = "status/bitstring-status-list.json";
/// Bitstring indexes: the revoked one is set, the active one clear.
const BIT_REVOKED: u32 = 42;
const BIT_ACTIVE: u32 = 7;
/// 16 KiB: the minimum bitstring length of the W3C Bitstring Status List.
const BITSTRING_BYTES: usize = 16 * 1024;

type R<T = ()> = Result<T, String>;

/// The four proof formats every credential kind is issued in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fmt {
    Eddsa,
    JwtRs256,
    JwtEs256,
    JwtEdDsa,
}

const FORMATS: [Fmt; 4] = [Fmt::Eddsa, Fmt::JwtRs256, Fmt::JwtEs256, Fmt::JwtEdDsa];

impl Fmt {
    fn key(self, k: &Keys) -> &Key {
        match self {
            Fmt::Eddsa | Fmt::JwtEdDsa => &k.issuer,
            Fmt::JwtRs256 => &k.rsa,
            Fmt::JwtEs256 => &k.p256,
        }
    }
    fn tag(self) -> &'static str {
        match self {
            Fmt::Eddsa => "eddsa",
            Fmt::JwtRs256 => "rs256",
            Fmt::JwtEs256 => "es256",
            Fmt::JwtEdDsa => "eddsa-jwt",
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Fmt::Eddsa => "eddsa.json",
            Fmt::JwtRs256 => "rs256.jwt",
            Fmt::JwtEs256 => "es256.jwt",
            Fmt::JwtEdDsa => "eddsa.jwt",
        }
    }
    fn proof(self) -> &'static str {
        match self {
            Fmt::Eddsa => "eddsa-rdfc-2022",
            Fmt::JwtRs256 => "vc-jwt-RS256",
            Fmt::JwtEs256 => "vc-jwt-ES256",
            Fmt::JwtEdDsa => "vc-jwt-EdDSA",
        }
    }
    fn describe(self) -> &'static str {
        match self {
            Fmt::Eddsa => "embedded eddsa-rdfc-2022 Data Integrity proof (did:key issuer)",
            Fmt::JwtRs256 => "VC-JWT RS256 (HTTPS issuer; key given in the manifest)",
            Fmt::JwtEs256 => "VC-JWT ES256 (did:jwk issuer)",
            Fmt::JwtEdDsa => "VC-JWT EdDSA (did:key issuer)",
        }
    }
    /// The secured credential as file bytes.
    fn secure(self, doc: &Value, key: &Key, form: PayloadForm) -> R<String> {
        match self {
            Fmt::Eddsa => Ok(pretty(&sign::eddsa(doc, key)?)),
            _ => sign::vc_jwt(doc, key, form),
        }
    }
}

struct Gen<'a> {
    k: &'a Keys,
    w: &'a Writer,
    entries: Vec<Entry>,
}

/// Pointer surgery on JSON (for breaking credentials on purpose).
fn remove_at(v: &mut Value, ptr: &str) {
    let (parent, key) = ptr.rsplit_once('/').expect("pointer");
    if let Some(Value::Object(o)) = v.pointer_mut(parent) {
        o.remove(key);
    } else {
        panic!("no object at {parent}");
    }
}

fn set_at(v: &mut Value, ptr: &str, value: Value) {
    let (parent, key) = ptr.rsplit_once('/').expect("pointer");
    match v.pointer_mut(parent) {
        Some(Value::Object(o)) => {
            o.insert(key.to_owned(), value);
        }
        _ => panic!("no object at {parent}"),
    }
}

fn add_context(v: &mut Value, ctx: &str) {
    if let Some(Value::Array(a)) = v.get_mut("@context") {
        if !a.iter().any(|c| c == ctx) {
            a.push(ctx.into());
        }
    }
}

fn with_entry(e: Entry, key: &Key) -> Entry {
    if key.needs_key_file {
        let f = key.pub_file();
        e.with_key(&key.vm, &f)
    } else {
        e
    }
}

impl<'a> Gen<'a> {
    fn put(&mut self, e: Entry, content: &[u8]) -> R {
        self.w.bytes(&e.file, content)?;
        self.entries.push(e);
        Ok(())
    }

    fn put_json(&mut self, e: Entry, doc: &Value) -> R {
        self.put(e, pretty(doc).as_bytes())
    }

    /// Signs `doc` (eddsa, did:key issuer) and writes it as an invalid vector.
    fn invalid_signed(&mut self, name: &str, checks: &[&str], desc: &str, doc: &Value) -> R {
        let signed = sign::eddsa(doc, &self.k.issuer).map_err(|e| format!("{name}: {e}"))?;
        let e = Entry::invalid(
            format!("invalid/{name}.json"),
            checks,
            desc,
            "eddsa-rdfc-2022",
            Some(true),
        );
        self.put_json(e, &signed)
    }

    /// VC-JWT-signs `doc` (EdDSA, did:key issuer) and writes it as an invalid vector: for
    /// credentials whose breakage leaves terms undefined, so no embedded proof can be made.
    fn invalid_jwt_signed(&mut self, name: &str, checks: &[&str], desc: &str, doc: &Value) -> R {
        let jws = sign::vc_jwt(doc, &self.k.issuer, PayloadForm::Direct)?;
        let e = Entry::invalid(
            format!("invalid/{name}.eddsa.jwt"),
            checks,
            desc,
            "vc-jwt-EdDSA",
            None,
        );
        self.put(e, jws.as_bytes())
    }

    fn minimal(&self, label: &str) -> Value {
        creds::to_json(&creds::ob_minimal(label, &self.k.issuer.controller))
    }

    fn signed_minimal(&self, label: &str) -> R<Value> {
        sign::eddsa(&self.minimal(label), &self.k.issuer)
    }

    // ---- valid -------------------------------------------------------------------------

    fn valid_matrix(&mut self) -> R {
        let k = self.k;
        let endorsed_achievement = urn("achievement/ob-minimal/eddsa");
        for f in FORMATS {
            let key = f.key(k);
            let issuer = key.controller.clone();
            let t = f.tag();

            let c = creds::to_json(&creds::ob_minimal(&format!("ob-minimal/{t}"), &issuer));
            let e = Entry::valid(
                format!("valid/ob-minimal.{}", f.suffix()),
                format!(
                    "minimal OpenBadgeCredential (only required properties), {}",
                    f.describe()
                ),
                f.proof(),
            );
            self.put(
                with_entry(e, key),
                f.secure(&c, key, PayloadForm::Direct)?.as_bytes(),
            )?;

            let c = creds::to_json(&creds::ob_full(
                &format!("ob-full/{t}"),
                &issuer,
                RECIPIENT_EMAIL,
            ));
            let e = Entry::valid(
                format!("valid/ob-full.{}", f.suffix()),
                format!(
                    "OpenBadgeCredential with every optional property (CASE alignments, results, rubric, \
                     evidence, full profiles, hashed email identifier, JSON Schema, 1EdTechRevocationList \
                     status: not revoked), {}",
                    f.describe()
                ),
                f.proof(),
            )
            .with_status(REVOCATION_LIST_URL, REVOCATION_LIST_FILE)
            .with_recipient(RECIPIENT);
            self.put(
                with_entry(e, key),
                f.secure(&c, key, PayloadForm::Direct)?.as_bytes(),
            )?;

            let c = creds::to_json(&creds::achievement_credential(
                &format!("achievement-credential/{t}"),
                &issuer,
            ));
            let e = Entry::valid(
                format!("valid/achievement-credential.{}", f.suffix()),
                format!(
                    "AchievementCredential (the alias of OpenBadgeCredential), {}",
                    f.describe()
                ),
                f.proof(),
            );
            self.put(
                with_entry(e, key),
                f.secure(&c, key, PayloadForm::Direct)?.as_bytes(),
            )?;

            // A standalone endorsement: eddsa ones are signed by the endorser's own key.
            let ekey = if f == Fmt::Eddsa { &k.endorser } else { key };
            let c = creds::to_json(&creds::endorsement(
                &format!("endorsement/{t}"),
                &ekey.controller,
                &endorsed_achievement,
            ));
            let e = Entry::valid(
                format!("valid/endorsement.{}", f.suffix()),
                format!("EndorsementCredential of an achievement, {}", f.describe()),
                f.proof(),
            );
            self.put(
                with_entry(e, ekey),
                f.secure(&c, ekey, PayloadForm::Direct)?.as_bytes(),
            )?;

            let c = self.endorsed(&format!("ob-endorsed/{t}"), &issuer, false)?;
            let e = Entry::valid(
                format!("valid/ob-endorsed.{}", f.suffix()),
                format!(
                    "OpenBadgeCredential with an embedded EndorsementCredential (eddsa, signed by the \
                     endorser's did:key), {}",
                    f.describe()
                ),
                f.proof(),
            );
            self.put(
                with_entry(e, key),
                f.secure(&c, key, PayloadForm::Direct)?.as_bytes(),
            )?;

            let c = self.clr(&format!("clr/{t}"), &issuer, None, false)?;
            let e = Entry::valid(
                format!("valid/clr.{}", f.suffix()),
                format!(
                    "ClrCredential bundling three signed OpenBadgeCredentials, listing their \
                     achievements and linking them with associations, {}",
                    f.describe()
                ),
                f.proof(),
            );
            self.put(
                with_entry(e, key),
                f.secure(&c, key, PayloadForm::Direct)?.as_bytes(),
            )?;
        }
        Ok(())
    }

    /// An OB credential carrying a signed endorsement (tampered after signing if `tamper`).
    fn endorsed(&self, label: &str, issuer: &str, tamper: bool) -> R<Value> {
        let mut c = creds::to_json(&creds::ob_minimal(label, issuer));
        let ach = c
            .pointer("/credentialSubject/achievement/id")
            .cloned()
            .unwrap_or_default();
        let en = creds::endorsement(
            label,
            &self.k.endorser.controller,
            ach.as_str().unwrap_or_default(),
        );
        let mut en = sign::eddsa(&creds::to_json(&en), &self.k.endorser)?;
        if tamper {
            set_at(
                &mut en,
                "/credentialSubject/endorsementComment",
                "This achievement is worthless.".into(),
            );
        }
        set_at(&mut c, "/endorsement", Value::Array(vec![en]));
        Ok(c)
    }

    /// A CLR of three signed credentials; `dangling` names an association end that points
    /// nowhere; `tamper_nested` alters the second credential after signing.
    fn clr(
        &self,
        label: &str,
        issuer: &str,
        dangling: Option<&str>,
        tamper_nested: bool,
    ) -> R<Value> {
        let k = self.k;
        let mut vcs = Vec::new();
        let mut achievements = Vec::new();
        for (i, name) in ["Course One", "Course Two", "Program Certificate"]
            .iter()
            .enumerate()
        {
            let part = format!("{label}/part-{}", i + 1);
            let mut c = creds::ob_minimal(&part, &k.issuer.controller);
            if let Some(s) = match &mut c.credential_subject {
                wellspring_model::CredentialSubject::Achievement(s) => Some(s),
                _ => None,
            } {
                s.achievement = Some(creds::achievement(&part, name));
                achievements.push(s.achievement.clone().unwrap());
            }
            let mut signed = sign::eddsa(&creds::to_json(&c), &k.issuer)?;
            if tamper_nested && i == 1 {
                set_at(
                    &mut signed,
                    "/credentialSubject/achievement/name",
                    "Course Two (with honours)".into(),
                );
            }
            vcs.push(signed);
        }
        let id = |a: &wellspring_model::Achievement| a.id.clone().unwrap_or_default();
        let mut assoc = vec![
            Association::new("isParentOf", id(&achievements[2]), id(&achievements[0])),
            Association::new("isParentOf", id(&achievements[2]), id(&achievements[1])),
            Association::new("precedes", id(&achievements[0]), id(&achievements[1])),
        ];
        if let Some(nowhere) = dangling {
            assoc.push(Association::new("isPartOf", id(&achievements[0]), nowhere));
        }
        let c = creds::clr(label, issuer, vcs, achievements, assoc).with_json_schema();
        Ok(creds::to_json(&c))
    }

    fn valid_other(&mut self) -> R {
        let k = self.k;

        // did:web issuer: the key must be given (keys/ed25519-did-web.pub.jwk.json).
        let c = creds::to_json(&creds::ob_minimal(
            "ob-minimal/did-web",
            &k.did_web.controller,
        ));
        let e = Entry::valid(
            "valid/ob-minimal.did-web.eddsa.json",
            "minimal OpenBadgeCredential, eddsa-rdfc-2022 by a did:web issuer (key in the manifest; DID document in keys/did-web.json)",
            "eddsa-rdfc-2022",
        );
        self.put_json(with_entry(e, &k.did_web), &sign::eddsa(&c, &k.did_web)?)?;

        // Key inline in the JOSE header: valid, but nothing binds the key to the issuer.
        let c = creds::to_json(&creds::ob_minimal(
            "ob-minimal/jwk-header",
            &k.p256.controller,
        ));
        let e = Entry::valid(
            "valid/ob-minimal.jwk-header.es256.jwt",
            "minimal OpenBadgeCredential, VC-JWT ES256 with the public key inline in the JOSE header (jwk) instead of kid: accepted with a warning (key not bound to the issuer)",
            "vc-jwt-ES256",
        )
        .with_warn(&["ob3.proof.controller"]);
        self.put(e, sign::vc_jwt_embedded_key(&c, &k.p256)?.as_bytes())?;

        // VC DM 1.1 forms.
        for (f, key, suffix) in [
            (Fmt::Eddsa, &k.issuer, "eddsa.json"),
            (Fmt::JwtRs256, &k.rsa, "rs256.jwt"),
            (Fmt::JwtEdDsa, &k.issuer, "eddsa.jwt"),
        ] {
            let c = self.v1_credential(&format!("v1/{}", f.tag()), &key.controller);
            let e = Entry::valid(
                format!("valid/v1.ob-minimal.{suffix}"),
                format!(
                    "VC Data Model 1.1 form (credentials/v1 context first, issuanceDate/expirationDate), {}{}",
                    f.describe(),
                    if f == Fmt::Eddsa { "" } else { "; credential in the `vc` claim" }
                ),
                f.proof(),
            );
            self.put(
                with_entry(e, key),
                f.secure(&c, key, PayloadForm::VcClaim)?.as_bytes(),
            )?;
        }

        // Presentations.
        let clr = sign::eddsa(
            &self.clr("vp-clr", &k.issuer.controller, None, false)?,
            &k.issuer,
        )?;
        let vp = creds::presentation(
            "vp-clr/unsigned",
            Some(&k.holder.controller),
            vec![clr.clone()],
        );
        let e = Entry::valid(
            "valid/vp.clr.unsigned.json",
            "unsigned VerifiablePresentation holding a signed ClrCredential",
            "none",
        );
        self.put_json(e, &vp)?;
        let vp = creds::presentation("vp-clr/signed", Some(&k.holder.controller), vec![clr]);
        let e = Entry {
            proof_valid: None,
            ..Entry::valid(
                "valid/vp.clr.signed.eddsa.json",
                "VerifiablePresentation holding a signed ClrCredential, itself signed (eddsa-rdfc-2022, authentication) by the holder's did:key",
                "eddsa-rdfc-2022",
            )
        };
        self.put_json(e, &sign::eddsa_authentication(&vp, &k.holder)?)?;

        // Baked badges.
        let json_text = pretty(&self.signed_minimal("baked/json")?);
        let rsa_c = creds::to_json(&creds::ob_minimal("baked/jwt", &k.rsa.controller));
        let jwt_text = sign::vc_jwt(&rsa_c, &k.rsa, PayloadForm::Direct)?;
        let png = baked::bake_png(&json_text, 16, [43, 108, 176])?;
        let e = Entry {
            proof_valid: None,
            ..Entry::valid(
                "valid/baked.eddsa.png",
                "baked PNG (iTXt openbadgecredential) holding an eddsa-signed OpenBadgeCredential",
                "eddsa-rdfc-2022",
            )
        };
        self.put(e, &png)?;
        let png = baked::bake_png(&jwt_text, 16, [176, 108, 43])?;
        let e = Entry::valid(
            "valid/baked.rs256.png",
            "baked PNG holding a VC-JWT RS256 OpenBadgeCredential",
            "vc-jwt-RS256",
        );
        self.put(with_entry(e, &k.rsa), &png)?;
        let svg = baked::bake_svg(&json_text);
        let e = Entry { proof_valid: None, ..Entry::valid("valid/baked.eddsa.svg", "baked SVG (openbadges:credential CDATA) holding an eddsa-signed OpenBadgeCredential", "eddsa-rdfc-2022") };
        self.put(e, svg.as_bytes())?;
        let svg = baked::bake_svg(&jwt_text);
        let e = Entry::valid(
            "valid/baked.rs256.svg",
            "baked SVG (verify attribute) holding a VC-JWT RS256 OpenBadgeCredential",
            "vc-jwt-RS256",
        );
        self.put(with_entry(e, &k.rsa), svg.as_bytes())?;

        // Status: active.
        let c = self.with_revocation_list("status/revocation-list-active");
        let e = Entry::valid(
            "valid/status.revocation-list-active.eddsa.json",
            "credentialStatus 1EdTechRevocationList: the list does not name this credential",
            "eddsa-rdfc-2022",
        )
        .with_status(REVOCATION_LIST_URL, REVOCATION_LIST_FILE);
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;
        let c = self.with_bitstring("status/bitstring-active", BIT_ACTIVE);
        let e = Entry::valid(
            "valid/status.bitstring-active.eddsa.json",
            format!("credentialStatus BitstringStatusListEntry (revocation) at index {BIT_ACTIVE}, a clear bit"),
            "eddsa-rdfc-2022",
        )
        .with_status(BITSTRING_LIST_URL, BITSTRING_LIST_FILE);
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;

        // Endorsement as a VC-JWT on the achievement (endorsementJwt).
        let mut c = self.minimal("ob-endorsed-achievement-jwt");
        let ach = c
            .pointer("/credentialSubject/achievement/id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let en = creds::to_json(&creds::endorsement(
            "ob-endorsed-achievement-jwt",
            &k.endorser.controller,
            &ach,
        ));
        let en = sign::vc_jwt(&en, &k.endorser, PayloadForm::Direct)?;
        set_at(
            &mut c,
            "/credentialSubject/achievement/endorsementJwt",
            json!([en]),
        );
        let e = Entry::valid(
            "valid/ob-endorsed-achievement-jwt.eddsa.json",
            "OpenBadgeCredential whose achievement carries an endorsement as a VC-JWT (endorsementJwt, EdDSA by the endorser's did:key); eddsa-rdfc-2022",
            "eddsa-rdfc-2022",
        );
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;

        // Legacy cryptosuite name.
        let c = self.minimal("legacy/eddsa-2022");
        let e = Entry::valid(
            "valid/legacy.eddsa-2022.json",
            "DataIntegrityProof with the deprecated cryptosuite name eddsa-2022 (same algorithm): accepted with a warning",
            "eddsa-2022",
        )
        .with_warn(&["ob3.proof.legacy"]);
        let e = Entry {
            proof_valid: Some(true),
            ..e
        };
        self.put_json(e, &sign::eddsa_2022(&c, &k.issuer)?)?;
        Ok(())
    }

    fn v1_credential(&self, label: &str, issuer: &str) -> Value {
        let mut c = creds::ob_minimal(label, issuer).into_vcdm_v1();
        c.name = Some("Wellspring Test Badge (VC 1.1)".into());
        c.expiration_date = Some(creds::VALID_UNTIL.into());
        let mut v = creds::to_json(&c);
        add_context(&mut v, "https://w3id.org/security/data-integrity/v1");
        v
    }

    fn with_revocation_list(&self, label: &str) -> Value {
        let mut c = creds::ob_minimal(label, &self.k.issuer.controller);
        c.credential_status = Some(wellspring_model::CredentialStatus::revocation_list(
            REVOCATION_LIST_URL,
        ));
        let mut v = creds::to_json(&c);
        add_context(&mut v, CONTEXT_OB_EXTENSIONS);
        v
    }

    fn with_bitstring(&self, label: &str, index: u32) -> Value {
        let mut c = creds::ob_minimal(label, &self.k.issuer.controller);
        c.credential_status = Some(creds::bitstring_entry(index));
        creds::to_json(&c)
    }

    fn status_documents(&mut self) -> R {
        let revoked_id = urn("credential/status/revocation-list-revoked");
        let list = json!({
            "id": REVOCATION_LIST_URL,
            "revokedCredential": [
                {"id": revoked_id, "revoked": true, "revocationReason": "Issued in error (test vector)"}
            ]
        });
        self.w.text(REVOCATION_LIST_FILE, &pretty(&list))?;
        let mut bits = vec![0u8; BITSTRING_BYTES];
        bits[(BIT_REVOKED / 8) as usize] |= 0x80 >> (BIT_REVOKED % 8);
        let encoded = wellspring_verify::status::encode_list(&bits);
        let cred = creds::bitstring_list_credential(&self.k.issuer.controller, &encoded);
        self.w.text(
            BITSTRING_LIST_FILE,
            &pretty(&sign::eddsa(&cred, &self.k.issuer)?),
        )?;
        Ok(())
    }

    // ---- invalid ------------------------------------------------------------------------

    fn invalid_parse(&mut self) -> R {
        let text = pretty(&self.signed_minimal("parse/truncated")?);
        let cut = &text[..text.len() / 2];
        let e = Entry::invalid(
            "invalid/ob3.parse.json.truncated.json",
            &["ob3.parse.json"],
            "JSON text cut off halfway",
            "none",
            None,
        );
        self.put(e, cut.as_bytes())?;
        let mut deep = String::from("[");
        for _ in 0..100 {
            deep.push('[');
        }
        for _ in 0..100 {
            deep.push(']');
        }
        deep.push(']');
        let c = self.minimal("parse/too-deep");
        let mut text = serde_json::to_string_pretty(&c).unwrap();
        text.truncate(text.rfind('}').unwrap());
        text.push_str(&format!(",\n  \"deep\": {deep}\n}}\n"));
        let e = Entry::invalid(
            "invalid/ob3.parse.json.too-deep.json",
            &["ob3.parse.json"],
            "JSON nested 100+ levels deep (verifiers must bound nesting; Wellspring's default limit is 64)",
            "none",
            None,
        );
        self.put(e, text.as_bytes())?;
        let e = Entry::invalid(
            "invalid/ob3.parse.json.array.json",
            &["ob3.parse.json"],
            "a JSON array of one credential instead of a credential object",
            "none",
            None,
        );
        let arr = Value::Array(vec![self.signed_minimal("parse/array")?]);
        self.put_json(e, &arr)?;
        // alg none with an empty signature is not even a compact JWS (the OB CompactJws
        // pattern needs a non-empty third part).
        let c = self.minimal("parse/jwt-alg-none");
        let payload = sign::direct_payload(&c, sign::claims_for(&c));
        let jws = format!(
            "{}.",
            sign::signing_input(&sign::header("none", None), &payload)
        );
        let e = Entry::invalid(
            "invalid/ob3.parse.json.jwt-alg-none-unsigned.jwt",
            &["ob3.parse.json"],
            "unsecured JWT (alg none, empty signature): not a compact JWS per the OB CompactJws pattern",
            "vc-jwt-none",
            None,
        );
        self.put(e, jws.as_bytes())?;
        Ok(())
    }

    fn invalid_baked(&mut self) -> R {
        let text = pretty(&self.signed_minimal("baked/corrupt")?);
        // IHDR's CRC broken: a corrupt critical chunk, every PNG decoder must refuse it.
        let mut png = baked::bake_png(&text, 16, [200, 30, 30])?;
        let ihdr = find(&png, b"IHDR").ok_or("no IHDR chunk")?;
        png[ihdr + 4 + 13] ^= 0xff;
        let e = Entry::invalid(
            "invalid/ob3.baked.png.corrupt-ihdr-crc.png",
            &["ob3.baked.png"],
            "baked PNG whose IHDR chunk fails its CRC (corrupt file)",
            "eddsa-rdfc-2022",
            None,
        );
        self.put(e, &png)?;
        // iTXt says "compressed" but holds plain text (CRC recomputed, so only the content is wrong).
        let mut png = baked::bake_png(&text, 16, [200, 30, 30])?;
        let itxt = find(&png, b"iTXt").ok_or("no iTXt chunk")?;
        let len = u32::from_be_bytes(png[itxt - 4..itxt].try_into().unwrap()) as usize;
        let flag = itxt + 4 + baked::PNG_KEYWORD.len() + 1;
        png[flag] = 1;
        let crc = crc32(&png[itxt..itxt + 4 + len]);
        png[itxt + 4 + len..itxt + 8 + len].copy_from_slice(&crc.to_be_bytes());
        let e = Entry::invalid("invalid/ob3.baked.png.itxt-bad-compression.png", &["ob3.baked.png"], "baked PNG whose openbadgecredential iTXt chunk claims zlib compression but holds plain text", "eddsa-rdfc-2022", None);
        self.put(e, &png)?;
        let plain = plain_png(16)?;
        let e = Entry::invalid(
            "invalid/ob3.baked.png.no-credential.png",
            &["ob3.baked.png"],
            "PNG with no openbadgecredential iTXt chunk",
            "none",
            None,
        );
        self.put(e, &plain)?;
        let two = two_chunk_png(&text, 16)?;
        let e = Entry::invalid(
            "invalid/ob3.baked.png.two-credentials.png",
            &["ob3.baked.png"],
            "PNG with two openbadgecredential iTXt chunks (the spec allows one)",
            "eddsa-rdfc-2022",
            None,
        );
        self.put(e, &two)?;
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" width=\"64\" height=\"64\">\n<circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"#c53030\"/>\n</svg>\n";
        let e = Entry::invalid(
            "invalid/ob3.baked.svg.no-credential.svg",
            &["ob3.baked.svg"],
            "SVG with no openbadges:credential element",
            "none",
            None,
        );
        self.put(e, svg.as_bytes())?;
        let one = baked::bake_svg(&text);
        let element_start = one.find("<openbadges:credential>").ok_or("no element")?;
        let element_end = one.find("</openbadges:credential>").ok_or("no element")?
            + "</openbadges:credential>".len();
        let element = &one[element_start..element_end];
        let two = one.replacen(element, &format!("{element}\n{element}"), 1);
        let e = Entry::invalid(
            "invalid/ob3.baked.svg.two-credentials.svg",
            &["ob3.baked.svg"],
            "SVG with two openbadges:credential elements (the spec allows one)",
            "eddsa-rdfc-2022",
            None,
        );
        self.put(e, two.as_bytes())?;
        Ok(())
    }

    fn invalid_context(&mut self) -> R {
        let k = self.k;
        // First context not the W3C one.
        let mut c = self.minimal("context/base");
        let ctx = c["@context"].as_array().cloned().unwrap_or_default();
        c["@context"] = Value::Array(ctx.into_iter().rev().collect());
        self.invalid_signed(
            "ob3.context.base.ob-context-first",
            &["ob3.context.base", "ob3.schema"],
            "@context lists the OB 3.0 context before the W3C credentials context (the schema requires the same order)",
            &c,
        )?;
        // No OB context: without it the OB terms are undefined, so no embedded proof can be
        // made; a VC-JWT carries it.
        let mut c = self.minimal("context/standard");
        c["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]);
        let e = Entry::invalid(
            "invalid/ob3.context.standard.ob-context-missing.eddsa.jwt",
            &["ob3.context.standard", "ob3.context.terms", "ob3.schema"],
            "@context has only the W3C credentials v2 context: the OB 3.0 context is missing, so the OB terms are undefined and the schema's @context rule fails too (VC-JWT EdDSA)",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(
            e,
            sign::vc_jwt(&c, &k.issuer, PayloadForm::Direct)?.as_bytes(),
        )?;
        // Unknown remote context: a VC-JWT, since an embedded proof could not be made or
        // checked offline.
        let mut c = self.minimal("context/known");
        add_context(
            &mut c,
            "https://contexts.wellspring.example/unknown-v1.json",
        );
        let e = Entry::invalid(
            "invalid/ob3.context.known.unknown-remote-context.eddsa.jwt",
            &["ob3.context.known"],
            "@context names a context no verifier has pinned (https://contexts.wellspring.example/unknown-v1.json); offline it cannot be loaded (VC-JWT EdDSA, so the proof itself does not depend on it)",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(
            e,
            sign::vc_jwt(&c, &k.issuer, PayloadForm::Direct)?.as_bytes(),
        )?;
        // A term JSON-LD would drop: VC 1.1 has no @vocab.
        let mut c = self.v1_credential("context/terms", &k.issuer.controller);
        set_at(&mut c, "/credentialSubject/favouriteColour", "green".into());
        let e = Entry::invalid(
            "invalid/ob3.context.terms.v1-undefined-term.eddsa.jwt",
            &["ob3.context.terms"],
            "VC 1.1 credential (no @vocab) with credentialSubject.favouriteColour, a term no context defines: JSON-LD expansion would drop it (VC-JWT EdDSA, vc claim)",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(
            e,
            sign::vc_jwt(&c, &k.issuer, PayloadForm::VcClaim)?.as_bytes(),
        )?;
        Ok(())
    }

    fn invalid_type(&mut self) -> R {
        let mut c = self.minimal("type/no-ob-type");
        c["type"] = json!(["VerifiableCredential", "Achievement"]);
        self.invalid_signed(
            "ob3.type.no-openbadgecredential",
            &["ob3.type", "ob3.schema"],
            "type is [VerifiableCredential, Achievement]: no OpenBadgeCredential/AchievementCredential (the schema requires it too)",
            &c,
        )?;
        // Without VerifiableCredential in type, the VC terms (issuer, validFrom…) are not in
        // scope: no embedded proof can be made, so this one is a VC-JWT.
        let mut c = self.minimal("type/no-vc-type");
        c["type"] = json!("OpenBadgeCredential");
        let e = Entry::invalid(
            "invalid/ob3.type.no-verifiablecredential.eddsa.jwt",
            &["ob3.type", "ob3.context.terms"],
            "type is the single string OpenBadgeCredential: VerifiableCredential is missing, so the VC terms it scopes are undefined too (the schema's single-string branch lets it through); VC-JWT EdDSA",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(
            e,
            sign::vc_jwt(&c, &self.k.issuer, PayloadForm::Direct)?.as_bytes(),
        )?;
        Ok(())
    }

    fn invalid_schema(&mut self) -> R {
        // (slug, pointer to remove, extra checks, description)
        let removals: &[(&str, &str, &[&str], &str)] = &[
            ("credential-id-missing", "/id", &[], "credential id removed"),
            ("credential-issuer-missing", "/issuer", &[], "credential issuer removed (so nothing binds the key to an issuer either: a warning)"),
            ("credential-valid-from-missing", "/validFrom", &[], "validFrom removed (a schema matter: the validity window itself is open)"),
            ("credential-subject-missing", "/credentialSubject", &["ob3.subject.identifier"], "credentialSubject removed"),
            ("achievement-missing", "/credentialSubject/achievement", &[], "credentialSubject.achievement removed"),
            ("achievement-id-missing", "/credentialSubject/achievement/id", &[], "achievement id removed"),
            ("achievement-type-missing", "/credentialSubject/achievement/type", &["ob3.context.terms"], "achievement type removed (so the Achievement terms are out of scope: VC-JWT)"),
            ("achievement-criteria-missing", "/credentialSubject/achievement/criteria", &[], "achievement criteria removed"),
            ("achievement-description-missing", "/credentialSubject/achievement/description", &[], "achievement description removed"),
            ("achievement-name-missing", "/credentialSubject/achievement/name", &[], "achievement name removed"),
            ("subject-type-missing", "/credentialSubject/type", &["ob3.context.terms"], "credentialSubject type removed (so the AchievementSubject terms are out of scope: VC-JWT)"),
            ("issuer-profile-id-missing", "/issuer/id", &[], "issuer profile id removed (so nothing binds the key to an issuer either: a warning)"),
            ("issuer-profile-type-missing", "/issuer/type", &[], "issuer profile type removed"),
        ];
        for (slug, ptr, extra, desc) in removals {
            let mut c = self.minimal(&format!("schema/{slug}"));
            remove_at(&mut c, ptr);
            let mut checks = vec!["ob3.schema"];
            checks.extend_from_slice(extra);
            let desc = format!("{desc}; signed after the change");
            if checks.contains(&"ob3.context.terms") {
                self.invalid_jwt_signed(&format!("ob3.schema.{slug}"), &checks, &desc, &c)?;
            } else {
                self.invalid_signed(&format!("ob3.schema.{slug}"), &checks, &desc, &c)?;
            }
        }
        // (slug, pointer, value, extra checks, description)
        let changes: Vec<(&str, &str, Value, &[&str], &str)> = vec![
            ("achievement-name-not-string", "/credentialSubject/achievement/name", json!(42), &[], "achievement name is a number"),
            ("achievement-type-wrong", "/credentialSubject/achievement/type", json!(["Badge"]), &["ob3.context.terms"], "achievement type does not contain Achievement (so the Achievement terms are out of scope: VC-JWT)"),
            ("credits-earned-not-number", "/credentialSubject/creditsEarned", json!("three"), &[], "creditsEarned is a string"),
            ("valid-from-not-date-time", "/validFrom", json!("2025-01-01"), &["ob3.validity.valid-from"], "validFrom is a date without a time"),
            ("valid-until-not-date-time", "/validUntil", json!("31 December 2030"), &["ob3.validity.valid-until"], "validUntil is not an RFC 3339 date-time"),
            ("awarded-date-not-date-time", "/awardedDate", json!("2024-12-20"), &[], "awardedDate is a date without a time"),
            ("activity-end-date-not-date-time", "/credentialSubject/activityEndDate", json!("yesterday"), &[], "activityEndDate is not a date-time"),
            ("identity-object-hash-missing", "/credentialSubject/identifier", json!([{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true, "salt": creds::SALT}]), &[], "an IdentityObject without identityHash"),
            ("identity-object-type-wrong", "/credentialSubject/identifier", json!([{"type": "Identity", "identityHash": creds::identity_hash(RECIPIENT_EMAIL, creds::SALT), "identityType": "emailAddress", "hashed": true, "salt": creds::SALT}]), &["ob3.context.terms"], "an IdentityObject whose type is not \"IdentityObject\" (so its terms are out of scope: VC-JWT)"),
            ("image-extra-property", "/credentialSubject/achievement/image", json!({"id": format!("{}/images/x.png", creds::BASE), "type": "Image", "name": "Badge image"}), &[], "Image has a name, a property its schema forbids (additionalProperties: false)"),
        ];
        for (slug, ptr, value, extra, desc) in changes {
            let mut c = self.minimal(&format!("schema/{slug}"));
            set_at(&mut c, ptr, value);
            let mut checks = vec!["ob3.schema"];
            checks.extend_from_slice(extra);
            let desc = format!("{desc}; signed after the change");
            if checks.contains(&"ob3.context.terms") {
                self.invalid_jwt_signed(&format!("ob3.schema.{slug}"), &checks, &desc, &c)?;
            } else {
                self.invalid_signed(&format!("ob3.schema.{slug}"), &checks, &desc, &c)?;
            }
        }
        // Endorsement without its required name.
        let en = creds::endorsement(
            "schema/endorsement-name-missing",
            &self.k.issuer.controller,
            &urn("achievement/ob-minimal/eddsa"),
        );
        let mut c = creds::to_json(&en);
        remove_at(&mut c, "/name");
        self.invalid_signed(
            "ob3.schema.endorsement-name-missing",
            &["ob3.schema"],
            "EndorsementCredential without name (required for this class); signed after the change",
            &c,
        )?;
        // Declared schema that does not fit.
        let mut c = self.minimal("schema/declared");
        set_at(
            &mut c,
            "/credentialSchema",
            json!([{"id": wellspring_model::SCHEMA_OB_ENDORSEMENT_CREDENTIAL, "type": "1EdTechJsonSchemaValidator2019"}]),
        );
        add_context(&mut c, CONTEXT_OB_EXTENSIONS);
        self.invalid_signed(
            "ob3.schema.declared.wrong-schema",
            &["ob3.schema.declared"],
            "an OpenBadgeCredential declaring the EndorsementCredential JSON Schema in credentialSchema: it conforms to its own type's schema but not to the declared one",
            &c,
        )?;
        // CLR without its required name.
        let mut c = self.clr(
            "schema/clr-name-missing",
            &self.k.issuer.controller,
            None,
            false,
        )?;
        remove_at(&mut c, "/name");
        remove_at(&mut c, "/credentialSchema");
        self.invalid_signed(
            "clr2.schema.clr-name-missing",
            &["clr2.schema"],
            "ClrCredential without name (required); signed after the change",
            &c,
        )?;
        Ok(())
    }

    fn invalid_subject(&mut self) -> R {
        let mut c = self.minimal("subject/no-id");
        remove_at(&mut c, "/credentialSubject/id");
        self.invalid_signed(
            "ob3.subject.identifier.missing",
            &["ob3.subject.identifier"],
            "credentialSubject has neither id nor identifier",
            &c,
        )
    }

    fn invalid_proof(&mut self) -> R {
        let k = self.k;
        // No proof at all.
        let e = Entry::invalid(
            "invalid/ob3.proof.present.no-proof.json",
            &["ob3.proof.present"],
            "a well-formed credential with no proof (neither embedded nor VC-JWT)",
            "none",
            None,
        );
        let c = self.minimal("proof/none");
        self.put_json(e, &c)?;
        // Tampered after signing.
        let mut c = self.signed_minimal("proof/tampered")?;
        set_at(
            &mut c,
            "/credentialSubject/achievement/name",
            "Wellspring Gold Badge".into(),
        );
        let e = Entry::invalid(
            "invalid/ob3.proof.eddsa-rdfc-2022.tampered-name.json",
            &["ob3.proof.eddsa-rdfc-2022"],
            "achievement name changed after signing",
            "eddsa-rdfc-2022",
            Some(false),
        );
        self.put_json(e, &c)?;
        let mut c = self.signed_minimal("proof/tampered-date")?;
        set_at(&mut c, "/validFrom", "2024-06-01T00:00:00Z".into());
        let e = Entry::invalid(
            "invalid/ob3.proof.eddsa-rdfc-2022.tampered-valid-from.json",
            &["ob3.proof.eddsa-rdfc-2022"],
            "validFrom moved earlier after signing",
            "eddsa-rdfc-2022",
            Some(false),
        );
        self.put_json(e, &c)?;
        let mut c = self.signed_minimal("proof/tampered-proof-value")?;
        let pv = c["proof"]["proofValue"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut chars: Vec<char> = pv.chars().collect();
        let last = chars.len() - 2;
        chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
        c["proof"]["proofValue"] = Value::String(chars.into_iter().collect());
        let e = Entry::invalid(
            "invalid/ob3.proof.eddsa-rdfc-2022.altered-proof-value.json",
            &["ob3.proof.eddsa-rdfc-2022"],
            "one character of proofValue changed",
            "eddsa-rdfc-2022",
            Some(false),
        );
        self.put_json(e, &c)?;
        // Issuer swapped after signing.
        let mut c = self.signed_minimal("proof/swapped-issuer")?;
        set_at(&mut c, "/issuer/id", k.did_web.controller.clone().into());
        let e = Entry::invalid(
            "invalid/ob3.proof.eddsa-rdfc-2022.swapped-issuer.json",
            &["ob3.proof.eddsa-rdfc-2022"],
            "issuer id replaced by another issuer's after signing: the signature no longer verifies (and the key's controller is not the new issuer)",
            "eddsa-rdfc-2022",
            Some(false),
        );
        self.put_json(e, &c)?;
        // Wrong key, naming the issuer's verification method.
        let c = sign::eddsa_as(&self.minimal("proof/wrong-key"), &k.wrong, &k.issuer.vm)?;
        let e = Entry::invalid(
            "invalid/ob3.proof.eddsa-rdfc-2022.wrong-key.json",
            &["ob3.proof.eddsa-rdfc-2022"],
            "signed with a different key than the one its verificationMethod (the issuer's did:key) names",
            "eddsa-rdfc-2022",
            Some(false),
        );
        self.put_json(e, &c)?;
        // A valid signature by a key the issuer does not control.
        let c = creds::to_json(&creds::ob_minimal(
            "proof/controller",
            &k.did_web.controller,
        ));
        let c = sign::eddsa(&c, &k.issuer)?;
        let e = Entry::invalid(
            "invalid/ob3.proof.controller.key-not-issuers.json",
            &["ob3.proof.controller"],
            "issuer is did:web:vectors.wellspring.example but the (valid) signature is by another did:key: the key does not belong to the issuer (judged with --require-bound-key; by default it conforms with a warning)",
            "eddsa-rdfc-2022",
            Some(true),
        )
        .strict();
        self.put_json(e, &c)?;
        // Legacy suite, tampered.
        let mut c = sign::eddsa_2022(&self.minimal("proof/legacy-tampered"), &k.issuer)?;
        set_at(
            &mut c,
            "/credentialSubject/achievement/name",
            "Wellspring Gold Badge".into(),
        );
        let e = Entry::invalid(
            "invalid/ob3.proof.legacy.eddsa-2022-tampered.json",
            &["ob3.proof.legacy"],
            "DataIntegrityProof with the deprecated cryptosuite eddsa-2022, achievement name changed after signing",
            "eddsa-2022",
            Some(false),
        );
        self.put_json(e, &c)?;
        self.invalid_jwt()
    }

    fn invalid_jwt(&mut self) -> R {
        let k = self.k;
        let c = self.minimal("jwt/base");
        let claims = sign::claims_for(&c);
        let payload = sign::direct_payload(&c, claims.clone());

        // alg none, with a leftover signature (so it is shaped like a JWS).
        let good = sign::compact(
            &sign::header("EdDSA", Some(&k.issuer.vm)),
            &payload,
            &k.issuer.jwk,
            "EdDSA",
        )?;
        let none = sign::replace_header(&good, &sign::header("none", Some(&k.issuer.vm)));
        let e = Entry::invalid("invalid/ob3.proof.vc-jwt.alg-none.jwt", &["ob3.proof.vc-jwt"], "JOSE header alg changed to none (the EdDSA signature left in place): must never be accepted", "vc-jwt-none", None);
        self.put(e, none.as_bytes())?;
        // HS256 (a shared-secret MAC; a verifier that treats the public key as the secret is fooled).
        let input = sign::signing_input(&sign::header("HS256", Some(&k.issuer.vm)), &payload);
        let mac = sign::hmac_sha256(b"wellspring-vectors/hs256-secret", input.as_bytes());
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.alg-hs256.jwt",
            &["ob3.proof.vc-jwt"],
            "VC-JWT with alg HS256 (symmetric MAC): not an allowed algorithm",
            "vc-jwt-HS256",
            None,
        );
        self.put(e, format!("{input}.{}", sign::b64(&mac)).as_bytes())?;
        // Payload changed after signing.
        let mut changed = payload.clone();
        changed.insert("name".into(), "Wellspring Gold Badge Credential".into());
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.tampered-payload.jwt",
            &["ob3.proof.vc-jwt"],
            "JWT payload gained a name after signing (signature kept)",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(e, sign::replace_payload(&good, &changed).as_bytes())?;
        // Wrong key.
        let wrong = sign::compact(
            &sign::header("EdDSA", Some(&k.issuer.vm)),
            &payload,
            &k.wrong.jwk,
            "EdDSA",
        )?;
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.wrong-key.jwt",
            &["ob3.proof.vc-jwt"],
            "signed with a different key than the one kid names",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(e, wrong.as_bytes())?;
        // RS256 signature with the RSA key but kid pointing at the Ed25519 did:key.
        let rsa = sign::compact(
            &sign::header("RS256", Some(&k.issuer.vm)),
            &payload,
            &k.rsa.jwk,
            "RS256",
        )?;
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.alg-key-mismatch.jwt",
            &["ob3.proof.vc-jwt"],
            "alg RS256 but kid names an Ed25519 key",
            "vc-jwt-RS256",
            None,
        );
        self.put(e, rsa.as_bytes())?;

        // Claims that contradict the credential (validly signed).
        let mut p = payload.clone();
        p.insert("jti".into(), urn("credential/some-other-credential").into());
        let jws = sign::compact(
            &sign::header("EdDSA", Some(&k.issuer.vm)),
            &p,
            &k.issuer.jwk,
            "EdDSA",
        )?;
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.claims.jti-mismatch.jwt",
            &["ob3.proof.vc-jwt.claims"],
            "jti claim names a different credential than id",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(e, jws.as_bytes())?;
        let mut cl = claims.clone();
        let nbf = cl.get("nbf").and_then(Value::as_i64).unwrap_or_default();
        cl.insert("nbf".into(), (nbf - 86_400).into());
        let mut vc_form = cl;
        vc_form.insert("vc".into(), c.clone());
        let jws = sign::compact(
            &sign::header("EdDSA", Some(&k.issuer.vm)),
            &vc_form,
            &k.issuer.jwk,
            "EdDSA",
        )?;
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.claims.nbf-mismatch.jwt",
            &["ob3.proof.vc-jwt.claims"],
            "nbf claim one day before validFrom (credential in the vc claim)",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(e, jws.as_bytes())?;
        let mut p = payload.clone();
        p.insert("iss".into(), k.did_web.controller.clone().into());
        let jws = sign::compact(
            &sign::header("EdDSA", Some(&k.issuer.vm)),
            &p,
            &k.issuer.jwk,
            "EdDSA",
        )?;
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.claims.iss-mismatch.jwt",
            &["ob3.proof.vc-jwt.claims"],
            "iss claim names another issuer than issuer.id",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(e, jws.as_bytes())?;
        Ok(())
    }

    fn invalid_validity_status(&mut self) -> R {
        let k = self.k;
        let mut c = self.minimal("validity/expired");
        set_at(&mut c, "/validUntil", "2025-06-30T00:00:00Z".into());
        self.invalid_signed(
            "ob3.validity.valid-until.expired",
            &["ob3.validity.valid-until"],
            "validUntil 2025-06-30 is before now (2026-01-01)",
            &c,
        )?;
        let mut c = self.minimal("validity/not-yet-valid");
        set_at(&mut c, "/validFrom", "2026-06-01T00:00:00Z".into());
        self.invalid_signed(
            "ob3.validity.valid-from.not-yet-valid",
            &["ob3.validity.valid-from"],
            "validFrom 2026-06-01 is after now (2026-01-01)",
            &c,
        )?;
        // VC 1.1 expired: expirationDate.
        let mut c = self.v1_credential("validity/v1-expired", &k.issuer.controller);
        set_at(&mut c, "/expirationDate", "2025-06-30T00:00:00Z".into());
        self.invalid_signed(
            "ob3.validity.valid-until.v1-expired",
            &["ob3.validity.valid-until"],
            "VC 1.1 credential whose expirationDate 2025-06-30 is before now",
            &c,
        )?;
        // JWT expired: exp agrees with validUntil, both past.
        let mut c = self.minimal("validity/jwt-expired");
        set_at(&mut c, "/validUntil", "2025-06-30T00:00:00Z".into());
        let e = Entry::invalid(
            "invalid/ob3.validity.valid-until.expired.eddsa.jwt",
            &["ob3.validity.valid-until"],
            "VC-JWT whose validUntil (and exp) is before now",
            "vc-jwt-EdDSA",
            None,
        );
        self.put(
            e,
            sign::vc_jwt(&c, &k.issuer, PayloadForm::Direct)?.as_bytes(),
        )?;

        let c = self.with_revocation_list("status/revocation-list-revoked");
        let e = Entry::invalid(
            "invalid/ob3.status.revocation-list-revoked.json",
            &["ob3.status"],
            "1EdTechRevocationList names this credential as revoked",
            "eddsa-rdfc-2022",
            Some(true),
        )
        .with_status(REVOCATION_LIST_URL, REVOCATION_LIST_FILE);
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;
        let c = self.with_bitstring("status/bitstring-revoked", BIT_REVOKED);
        let e = Entry::invalid(
            "invalid/ob3.status.bitstring-revoked.json",
            &["ob3.status"],
            format!("BitstringStatusListEntry (revocation) at index {BIT_REVOKED}: the bit is set")
                .as_str(),
            "eddsa-rdfc-2022",
            Some(true),
        )
        .with_status(BITSTRING_LIST_URL, BITSTRING_LIST_FILE);
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;
        Ok(())
    }

    fn invalid_nested(&mut self) -> R {
        let k = self.k;
        // Endorsement tampered inside a validly signed credential.
        let c = self.endorsed("endorsement/tampered", &k.issuer.controller, true)?;
        let e = Entry::invalid(
            "invalid/ob3.endorsement.tampered.json",
            &["ob3.endorsement", "ob3.proof.eddsa-rdfc-2022"],
            "embedded EndorsementCredential altered after the endorser signed it (the outer credential's own proof is valid)",
            "eddsa-rdfc-2022",
            Some(true),
        );
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;
        // Recipient.
        let c = creds::to_json(&creds::ob_full(
            "recipient/mismatch",
            &k.issuer.controller,
            "someone-else@example.org",
        ));
        let e = Entry::invalid(
            "invalid/ob3.recipient.email-mismatch.json",
            &["ob3.recipient"],
            "the hashed email identifier is someone-else@example.org's; the expected recipient is conformance@imsglobal.org",
            "eddsa-rdfc-2022",
            Some(true),
        )
        .with_status(REVOCATION_LIST_URL, REVOCATION_LIST_FILE)
        .with_recipient(RECIPIENT);
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;
        // CLR: nested credential tampered.
        let c = self.clr("clr/tampered-nested", &k.issuer.controller, None, true)?;
        let e = Entry::invalid(
            "invalid/clr2.credentials.tampered-nested.json",
            &["clr2.credentials", "ob3.proof.eddsa-rdfc-2022"],
            "ClrCredential (validly signed) whose second bundled credential was altered after its issuer signed it",
            "eddsa-rdfc-2022",
            Some(true),
        );
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;
        // CLR: association to nowhere.
        let nowhere = urn("achievement/not-in-this-clr");
        let c = self.clr(
            "clr/dangling-association",
            &k.issuer.controller,
            Some(&nowhere),
            false,
        )?;
        let e = Entry::invalid(
            "invalid/clr2.associations.target-missing.json",
            &["clr2.associations"],
            "an association's targetId names an achievement that is not in the CLR",
            "eddsa-rdfc-2022",
            Some(true),
        );
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;
        // Presentation: tampered after the holder signed it.
        let clr = sign::eddsa(
            &self.clr("vp/tampered", &k.issuer.controller, None, false)?,
            &k.issuer,
        )?;
        let vp = creds::presentation("vp/tampered", Some(&k.holder.controller), vec![clr]);
        let mut vp = sign::eddsa_authentication(&vp, &k.holder)?;
        vp["id"] = urn("presentation/another").into();
        let e = Entry::invalid(
            "invalid/vp.proof.tampered.json",
            &["vp.proof"],
            "signed VerifiablePresentation whose id was changed after the holder signed it",
            "eddsa-rdfc-2022",
            None,
        );
        self.put_json(e, &vp)?;
        // Presentation holding a tampered credential.
        let mut bad = self.signed_minimal("vp/bad-credential")?;
        set_at(
            &mut bad,
            "/credentialSubject/achievement/name",
            "Wellspring Gold Badge".into(),
        );
        let vp = creds::presentation("vp/bad-credential", Some(&k.holder.controller), vec![bad]);
        let e = Entry::invalid(
            "invalid/vp.credentials.tampered-credential.json",
            &["vp.credentials", "ob3.proof.eddsa-rdfc-2022"],
            "unsigned VerifiablePresentation holding a credential altered after signing",
            "none",
            None,
        );
        self.put_json(e, &vp)?;
        Ok(())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// CRC-32 (ISO-HDLC, as PNG uses), bit by bit.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn plain_png(size: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        let data: Vec<u8> = (0..size * size).flat_map(|_| [120u8, 120, 120]).collect();
        w.write_image_data(&data).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn two_chunk_png(text: &str, size: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.add_itxt_chunk(baked::PNG_KEYWORD.into(), text.into())
            .map_err(|e| e.to_string())?;
        enc.add_itxt_chunk(baked::PNG_KEYWORD.into(), text.into())
            .map_err(|e| e.to_string())?;
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        let data: Vec<u8> = (0..size * size).flat_map(|_| [30u8, 30, 200]).collect();
        w.write_image_data(&data).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Builds every vector and status document; returns the manifest entries (unsorted).
pub fn all(keys: &Keys, w: &Writer) -> Result<Vec<Entry>, String> {
    let mut g = Gen {
        k: keys,
        w,
        entries: Vec::new(),
    };
    g.status_documents()?;
    g.valid_matrix()?;
    g.valid_other()?;
    g.invalid_parse()?;
    g.invalid_baked()?;
    g.invalid_context()?;
    g.invalid_type()?;
    g.invalid_schema()?;
    g.invalid_subject()?;
    g.invalid_proof()?;
    g.invalid_validity_status()?;
    g.invalid_nested()?;
    g.honesty()?;
    Ok(g.entries)
}

//! Invalid vectors of form: parsing, baking, contexts, types, schemas, subjects.

use serde_json::{json, Value};
use wellspring_model::CONTEXT_OB_EXTENSIONS;
use wellspring_verify::baked;
use wellspring_verify::jwt::PayloadForm;

use super::*;
use crate::creds::{self, urn, RECIPIENT_EMAIL};
use crate::manifest::{pretty, Entry};
use crate::sign;

impl Gen<'_> {
    pub(super) fn invalid_parse(&mut self) -> R {
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

    pub(super) fn invalid_baked(&mut self) -> R {
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

    pub(super) fn invalid_context(&mut self) -> R {
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

    pub(super) fn invalid_type(&mut self) -> R {
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

    pub(super) fn invalid_schema(&mut self) -> R {
        self.invalid_schema_removed()?;
        self.invalid_schema_changed()?;
        self.invalid_schema_other()
    }

    /// Minimal credentials with a required property removed.
    fn invalid_schema_removed(&mut self) -> R {
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
            self.schema_vector(slug, extra, desc, &c)?;
        }
        Ok(())
    }

    /// Minimal credentials with a property of the wrong form.
    fn invalid_schema_changed(&mut self) -> R {
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
            self.schema_vector(slug, extra, desc, &c)?;
        }
        Ok(())
    }

    /// Beyond the minimal credential: an endorsement and a CLR without name, a declared schema
    /// that does not fit.
    fn invalid_schema_other(&mut self) -> R {
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

    /// Writes `c`, broken for `ob3.schema` (and the `extra` checks) before signing: as a VC-JWT when
    /// the breakage leaves terms undefined (`ob3.context.terms`), else with an embedded proof.
    fn schema_vector(&mut self, slug: &str, extra: &[&str], desc: &str, c: &Value) -> R {
        let mut checks = vec!["ob3.schema"];
        checks.extend_from_slice(extra);
        let desc = format!("{desc}; signed after the change");
        if checks.contains(&"ob3.context.terms") {
            self.invalid_jwt_signed(&format!("ob3.schema.{slug}"), &checks, &desc, c)
        } else {
            self.invalid_signed(&format!("ob3.schema.{slug}"), &checks, &desc, c)
        }
    }

    pub(super) fn invalid_subject(&mut self) -> R {
        let mut c = self.minimal("subject/no-id");
        remove_at(&mut c, "/credentialSubject/id");
        self.invalid_signed(
            "ob3.subject.identifier.missing",
            &["ob3.subject.identifier"],
            "credentialSubject has neither id nor identifier",
            &c,
        )
    }
}

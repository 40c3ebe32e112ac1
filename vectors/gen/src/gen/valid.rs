//! Valid vectors: every credential kind in every proof format, the other valid forms, the
//! status documents.

use serde_json::{json, Value};
use wellspring_model::{Association, CONTEXT_OB_EXTENSIONS};
use wellspring_verify::baked;
use wellspring_verify::jwt::PayloadForm;

use super::*;
use crate::creds::{self, urn, BITSTRING_LIST_URL, RECIPIENT_EMAIL, REVOCATION_LIST_URL};
use crate::manifest::{pretty, Entry};
use crate::sign;

impl Gen<'_> {
    pub(super) fn valid_matrix(&mut self) -> R {
        for f in FORMATS {
            self.valid_ob_kinds(f)?;
            self.valid_endorsed_and_clr(f)?;
        }
        Ok(())
    }

    /// The OpenBadgeCredential kinds in format `f`: minimal, full, and as an AchievementCredential.
    fn valid_ob_kinds(&mut self, f: Fmt) -> R {
        let key = f.key(self.k);
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
        Ok(())
    }

    /// In format `f`: a standalone endorsement, a credential embedding one, and a CLR.
    fn valid_endorsed_and_clr(&mut self, f: Fmt) -> R {
        let k = self.k;
        let key = f.key(k);
        let issuer = key.controller.clone();
        let t = f.tag();
        let endorsed_achievement = urn("achievement/ob-minimal/eddsa");

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
        Ok(())
    }

    /// An OB credential carrying a signed endorsement (tampered after signing if `tamper`).
    pub(super) fn endorsed(&self, label: &str, issuer: &str, tamper: bool) -> R<Value> {
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
    pub(super) fn clr(
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

    pub(super) fn valid_other(&mut self) -> R {
        self.valid_issuer_keys()?;
        self.valid_v1()?;
        self.valid_presentations()?;
        self.valid_baked()?;
        self.valid_status_active()?;
        self.valid_endorsement_jwt()?;
        self.valid_legacy_suite()?;
        Ok(())
    }

    /// Issuers whose key is found other ways: a did:web (key given) and a key inline in a JWT header.
    fn valid_issuer_keys(&mut self) -> R {
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
        Ok(())
    }

    /// The VC Data Model 1.1 forms.
    fn valid_v1(&mut self) -> R {
        let k = self.k;
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
        Ok(())
    }

    /// Presentations of a CLR (unsigned, signed) and of an enveloped VC-JWT.
    fn valid_presentations(&mut self) -> R {
        let k = self.k;
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
        // a VC-JWT inside a signed presentation travels enveloped (VC DM 2.0)
        let jwt = sign::vc_jwt(
            &creds::to_json(&creds::ob_minimal("vp-enveloped/jwt", &k.issuer.controller)),
            &k.issuer,
            PayloadForm::Direct,
        )?;
        let enveloped = json!({
            "@context": "https://www.w3.org/ns/credentials/v2",
            "id": format!("data:application/vc+jwt,{jwt}"),
            "type": "EnvelopedVerifiableCredential",
        });
        let vp = creds::presentation(
            "vp-enveloped/signed",
            Some(&k.holder.controller),
            vec![enveloped],
        );
        let e = Entry {
            proof_valid: None,
            ..Entry::valid(
                "valid/vp.enveloped-jwt.signed.eddsa.json",
                "VerifiablePresentation holding a VC-JWT as an EnvelopedVerifiableCredential (data:application/vc+jwt,…), signed by the holder's did:key",
                "eddsa-rdfc-2022",
            )
        };
        self.put_json(e, &sign::eddsa_authentication(&vp, &k.holder)?)?;
        Ok(())
    }

    /// Baked badges: PNG and SVG, each holding an eddsa credential and a VC-JWT.
    fn valid_baked(&mut self) -> R {
        let k = self.k;
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
        Ok(())
    }

    /// Credentials whose status list says active (1EdTechRevocationList, BitstringStatusList).
    fn valid_status_active(&mut self) -> R {
        let k = self.k;
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
        Ok(())
    }

    /// An endorsement as a VC-JWT on the achievement (endorsementJwt).
    fn valid_endorsement_jwt(&mut self) -> R {
        let k = self.k;
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
        Ok(())
    }

    /// The legacy cryptosuite name eddsa-2022.
    fn valid_legacy_suite(&mut self) -> R {
        let k = self.k;
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

    pub(super) fn v1_credential(&self, label: &str, issuer: &str) -> Value {
        let mut c = creds::ob_minimal(label, issuer).into_vcdm_v1();
        c.name = Some("Wellspring Test Badge (VC 1.1)".into());
        c.expiration_date = Some(creds::VALID_UNTIL.into());
        let mut v = creds::to_json(&c);
        add_context(&mut v, "https://w3id.org/security/data-integrity/v1");
        v
    }

    pub(super) fn with_revocation_list(&self, label: &str) -> Value {
        let mut c = creds::ob_minimal(label, &self.k.issuer.controller);
        c.credential_status = Some(wellspring_model::CredentialStatus::revocation_list(
            REVOCATION_LIST_URL,
        ));
        let mut v = creds::to_json(&c);
        add_context(&mut v, CONTEXT_OB_EXTENSIONS);
        v
    }

    pub(super) fn with_bitstring(&self, label: &str, index: u32) -> Value {
        let mut c = creds::ob_minimal(label, &self.k.issuer.controller);
        c.credential_status = Some(creds::bitstring_entry(index));
        creds::to_json(&c)
    }

    pub(super) fn status_documents(&mut self) -> R {
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
}

//! Invalid vectors of trust: proofs, VC-JWT, validity and status, nested credentials.

use serde_json::Value;
use wellspring_verify::jwt::PayloadForm;

use super::*;
use crate::creds::{self, urn, BITSTRING_LIST_URL, REVOCATION_LIST_URL};
use crate::manifest::Entry;
use crate::sign;

impl Gen<'_> {
    pub(super) fn invalid_proof(&mut self) -> R {
        self.invalid_proof_missing_or_altered()?;
        self.invalid_proof_signer()?;
        self.invalid_proof_legacy()?;
        self.invalid_jwt()
    }

    /// No proof at all, and embedded proofs over a credential or a proof value altered after signing.
    fn invalid_proof_missing_or_altered(&mut self) -> R {
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
        Ok(())
    }

    /// Proofs by the wrong signer: the issuer swapped after signing, a wrong key, a key not the issuer's.
    fn invalid_proof_signer(&mut self) -> R {
        let k = self.k;
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
        Ok(())
    }

    /// The deprecated suite eddsa-2022, tampered.
    fn invalid_proof_legacy(&mut self) -> R {
        let k = self.k;
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
        Ok(())
    }

    pub(super) fn invalid_jwt(&mut self) -> R {
        let k = self.k;
        let c = self.minimal("jwt/base");
        let claims = sign::claims_for(&c);
        let payload = sign::direct_payload(&c, claims.clone());
        let good = sign::compact(
            &sign::header("EdDSA", Some(&k.issuer.vm)),
            &payload,
            &k.issuer.jwk,
            "EdDSA",
        )?;
        self.invalid_jwt_alg(&payload, &good)?;
        self.invalid_jwt_signature(&payload, &good)?;
        self.invalid_jwt_claims(&c, &claims, &payload)
    }

    /// VC-JWTs of an algorithm never accepted: none, HS256 (`good`: a valid EdDSA JWS of `payload`).
    fn invalid_jwt_alg(&mut self, payload: &serde_json::Map<String, Value>, good: &str) -> R {
        let k = self.k;
        // alg none, with a leftover signature (so it is shaped like a JWS).
        let none = sign::replace_header(good, &sign::header("none", Some(&k.issuer.vm)));
        let e = Entry::invalid("invalid/ob3.proof.vc-jwt.alg-none.jwt", &["ob3.proof.vc-jwt"], "JOSE header alg changed to none (the EdDSA signature left in place): must never be accepted", "vc-jwt-none", None);
        self.put(e, none.as_bytes())?;
        // HS256 (a shared-secret MAC; a verifier that treats the public key as the secret is fooled).
        let input = sign::signing_input(&sign::header("HS256", Some(&k.issuer.vm)), payload);
        let mac = sign::hmac_sha256(b"wellspring-vectors/hs256-secret", input.as_bytes());
        let e = Entry::invalid(
            "invalid/ob3.proof.vc-jwt.alg-hs256.jwt",
            &["ob3.proof.vc-jwt"],
            "VC-JWT with alg HS256 (symmetric MAC): not an allowed algorithm",
            "vc-jwt-HS256",
            None,
        );
        self.put(e, format!("{input}.{}", sign::b64(&mac)).as_bytes())?;
        Ok(())
    }

    /// VC-JWTs whose signature does not verify: payload changed, wrong key, alg not the key's.
    fn invalid_jwt_signature(&mut self, payload: &serde_json::Map<String, Value>, good: &str) -> R {
        let k = self.k;
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
        self.put(e, sign::replace_payload(good, &changed).as_bytes())?;
        // Wrong key.
        let wrong = sign::compact(
            &sign::header("EdDSA", Some(&k.issuer.vm)),
            payload,
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
            payload,
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
        Ok(())
    }

    /// Validly signed VC-JWTs whose claims contradict the credential `c`.
    fn invalid_jwt_claims(
        &mut self,
        c: &Value,
        claims: &serde_json::Map<String, Value>,
        payload: &serde_json::Map<String, Value>,
    ) -> R {
        let k = self.k;
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

    pub(super) fn invalid_validity_status(&mut self) -> R {
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

    pub(super) fn invalid_nested(&mut self) -> R {
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
        self.invalid_clr_nested()?;
        self.invalid_presentations()
    }

    /// CLRs whose bundled credentials or associations are broken.
    fn invalid_clr_nested(&mut self) -> R {
        let k = self.k;
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
        Ok(())
    }

    /// Presentations: tampered after the holder signed, or holding a tampered credential.
    fn invalid_presentations(&mut self) -> R {
        let k = self.k;
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

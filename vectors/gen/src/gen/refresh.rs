//! Vectors of verification step 3, refresh (`refreshService` of type
//! `1EdTechCredentialRefresh`). The refreshed credentials a service would answer are files the
//! manifest names per refresh URL (`refresh_files`), as status lists are: the verdicts need no
//! network.

use serde_json::{json, Value};

use super::{add_context, remove_at, set_at, Gen, R};
use crate::creds::BASE;
use crate::manifest::{pretty, Entry};
use crate::sign;
use wellspring_model::CONTEXT_OB_EXTENSIONS;

const REFRESH_TYPE: &str = "1EdTechCredentialRefresh";

fn refresh_url(label: &str) -> String {
    format!("{BASE}/refresh/{label}")
}

fn refreshed_file(label: &str) -> String {
    format!("refresh/{label}.json")
}

impl Gen<'_> {
    /// A minimal credential whose refreshService names `refresh_url(label)`.
    fn refreshable(&self, label: &str) -> Value {
        let mut c = self.minimal(&format!("refresh/{label}"));
        set_at(
            &mut c,
            "/refreshService",
            json!({"id": refresh_url(label), "type": REFRESH_TYPE}),
        );
        add_context(&mut c, CONTEXT_OB_EXTENSIONS);
        c
    }

    /// The same credential as its refresh service answers it: a later validFrom, signed.
    fn refreshed(&self, original: &Value, key: &crate::keys::Key) -> R<Value> {
        let mut c = original.clone();
        set_at(&mut c, "/validFrom", "2025-12-01T00:00:00Z".into());
        sign::eddsa(&c, key)
    }

    pub(super) fn refresh_vectors(&mut self) -> R {
        let k = self.k;
        // Refreshed by the issuer: the refreshed credential is authentic.
        let c = self.refreshable("current");
        self.w.text(
            &refreshed_file("current"),
            &pretty(&self.refreshed(&c, &k.issuer)?),
        )?;
        let e = Entry::valid(
            "valid/refresh.eddsa.json",
            "refreshService 1EdTechCredentialRefresh; the service's answer (given in the manifest) is the same credential with a later validFrom, re-signed by the issuer",
            "eddsa-rdfc-2022",
        )
        .with_refresh(&refresh_url("current"), &refreshed_file("current"));
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;

        // Answered by another issuer (its own did:key, its own valid proof).
        let c = self.refreshable("other-issuer");
        let mut other = c.clone();
        set_at(&mut other, "/issuer/id", k.wrong.controller.clone().into());
        self.w.text(
            &refreshed_file("other-issuer"),
            &pretty(&self.refreshed(&other, &k.wrong)?),
        )?;
        let e = Entry::invalid(
            "invalid/ob3.refresh.other-issuer.json",
            &["ob3.refresh"],
            "the refresh service answers with a credential of the same id and subject issued and signed by another issuer: not a refresh of this credential",
            "eddsa-rdfc-2022",
            Some(true),
        )
        .with_refresh(&refresh_url("other-issuer"), &refreshed_file("other-issuer"));
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;

        // Answered with the issuer's name but another key: the proof verifies, the key is not
        // bound to the issuer.
        let c = self.refreshable("forged");
        self.w.text(
            &refreshed_file("forged"),
            &pretty(&self.refreshed(&c, &k.wrong)?),
        )?;
        let e = Entry::invalid(
            "invalid/ob3.refresh.unbound-key.json",
            &["ob3.refresh"],
            "the refresh service answers with a credential naming the same issuer but signed with a key the issuer does not control",
            "eddsa-rdfc-2022",
            Some(true),
        )
        .with_refresh(&refresh_url("forged"), &refreshed_file("forged"));
        self.put_json(e, &sign::eddsa(&c, &k.issuer)?)?;

        // A refreshService without its id (the refresh URL).
        let mut c = self.refreshable("no-id");
        remove_at(&mut c, "/refreshService/id");
        let signed = sign::eddsa(&c, &k.issuer)?;
        let e = Entry::invalid(
            "invalid/ob3.refresh.no-id.json",
            &["ob3.refresh", "ob3.schema"],
            "refreshService of type 1EdTechCredentialRefresh without an id: no URL to refresh from",
            "eddsa-rdfc-2022",
            Some(true),
        );
        self.put_json(e, &signed)
    }
}

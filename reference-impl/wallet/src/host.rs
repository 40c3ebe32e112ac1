//! The wallet as a Host: the OB 3.0 / CLR 2.0 Service Provider surface of `wellspring-obapi`
//! (discovery, registration, sign-in and consent, tokens, getCredentials, upsertCredential,
//! profile) over the learner's own store, so other apps read and write the learner's
//! credentials with the learner's consent. Every upserted credential is verified on arrival like
//! any import and kept byte for byte; getCredentials hands back exactly what was stored (a baked
//! image's embedded credential, since the API carries JSON or a compact JWS).

use serde_json::{json, Value};
use wellspring_obapi::{ApiError, Backend, Incoming, Item, Page, Standard, Upserted, UserId};

use crate::intake::{self, Verifying};
use crate::store::{Store, StoreError, StoredCredential};

pub struct Host {
    pub store: Store,
    pub verifying: Verifying,
}

fn internal(e: StoreError) -> ApiError {
    ApiError::Internal(e.to_string())
}

/// The credential kinds each API lists.
pub fn kinds(s: Standard) -> &'static [&'static str] {
    s.credential_types()
}

/// What getCredentials returns for a stored credential: its JSON text or compact JWS, as it
/// arrived (for a baked image, the text embedded in it).
pub fn item(c: &StoredCredential) -> Result<Item, String> {
    let text = match c.format.as_str() {
        "png" => wellspring_verify::baked::extract_png(&c.original)?,
        "svg" => wellspring_verify::baked::extract_svg(&c.original)?,
        _ => String::from_utf8(c.original.clone())
            .map_err(|_| "stored credential is not text".to_string())?,
    };
    if wellspring_verify::jwt::looks_like_jws(text.trim()) {
        Ok(Item::Jws(text.trim().to_owned()))
    } else {
        Ok(Item::Json(text))
    }
}

/// Runs blocking work (verification may fetch status lists) without stalling the async workers
/// when called from inside a multi-threaded runtime.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

impl Backend for Host {
    fn check_login(&self, user: &str, password: &str) -> Result<Option<UserId>, ApiError> {
        self.store.check_password(user, password).map_err(internal)
    }

    fn user_label(&self, user: UserId) -> Option<String> {
        self.store.learner_email(user).ok().flatten()
    }

    fn list_credentials(
        &self,
        user: UserId,
        standard: Standard,
        since: Option<i64>,
        limit: usize,
        offset: usize,
    ) -> Result<Page, ApiError> {
        let (rows, total) = self
            .store
            .credentials_of_kinds(user, kinds(standard), since, limit, offset)
            .map_err(internal)?;
        let items = rows
            .iter()
            .map(item)
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::Internal)?;
        Ok(Page { items, total })
    }

    fn upsert_credential(&self, user: UserId, c: &Incoming) -> Result<Upserted, ApiError> {
        let bytes = match &c.item {
            Item::Json(t) | Item::Jws(t) => t.as_bytes(),
        };
        let mut row = blocking(|| intake::take(bytes, "upsertCredential", &self.verifying))
            .map_err(ApiError::Invalid)?;
        // the spec's equality: issuer id + credential id, as the API normalized them
        row.issuer_id = Some(c.issuer_id.clone());
        row.vc_id = Some(c.credential_id.clone());
        match self.store.put_credential(user, &row).map_err(internal)? {
            (_, true) => Ok(Upserted::Created),
            (_, false) => Ok(Upserted::Replaced),
        }
    }

    fn get_profile(&self, user: UserId) -> Result<Option<Value>, ApiError> {
        if let Some(p) = self.store.profile(user).map_err(internal)? {
            return Ok(serde_json::from_str(&p).ok());
        }
        let Some(email) = self.store.learner_email(user).map_err(internal)? else {
            return Ok(None);
        };
        Ok(Some(json!({
            "id": self.holder_did(user)?,
            "type": "Profile",
            "email": email,
        })))
    }

    fn put_profile(&self, user: UserId, mut profile: Value) -> Result<Value, ApiError> {
        // the learner's profile keeps the learner's identifier
        profile["id"] = json!(self.holder_did(user)?);
        self.store
            .set_profile(user, &profile.to_string())
            .map_err(internal)?;
        Ok(profile)
    }
}

impl Host {
    fn holder_did(&self, user: UserId) -> Result<String, ApiError> {
        let seed = self.store.key_seed(user).map_err(internal)?;
        crate::share::holder(seed)
            .map(|(_, did, _)| did)
            .map_err(ApiError::Internal)
    }
}

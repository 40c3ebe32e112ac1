//! The blocking guarded client (CLI, suites, matrix, fuzz targets): the async [`Net`] driven
//! from the calling thread. One implementation of the policy (address checks, redirects,
//! deadline, capped body) serves both; this file only waits for it.

use std::sync::Arc;

use serde_json::Value;

use super::{parse_json, user_agent, Net, NetError, NetPolicy, Reply};

/// A guarded blocking client. Cheap to clone. Not for use inside an async task (it blocks the
/// calling thread, as reqwest's blocking client does); servers use [`Net`].
#[derive(Clone)]
pub struct BlockingNet {
    net: Net,
    rt: Arc<Driver>,
}

/// The runtime whose one worker thread drives the connections; shut down without waiting when
/// the last client goes, so dropping a client is safe anywhere.
struct Driver(Option<tokio::runtime::Runtime>);

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl BlockingNet {
    pub fn new(policy: NetPolicy) -> Result<BlockingNet, NetError> {
        BlockingNet::with_agent(policy, user_agent())
    }

    pub fn with_agent(policy: NetPolicy, agent: &str) -> Result<BlockingNet, NetError> {
        BlockingNet::build(policy, agent, false)
    }

    /// A client that keeps cookies between requests (drives web sign-in forms).
    pub fn browser(policy: NetPolicy) -> Result<BlockingNet, NetError> {
        BlockingNet::build(policy, user_agent(), true)
    }

    fn build(policy: NetPolicy, agent: &str, cookies: bool) -> Result<BlockingNet, NetError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("wellspring-net")
            .enable_all()
            .build()
            .map_err(|e| NetError::Setup(e.to_string()))?;
        // the client is built inside the runtime it will run on
        let net = rt.block_on(async { Net::build(policy, agent, cookies) })?;
        Ok(BlockingNet {
            net,
            rt: Arc::new(Driver(Some(rt))),
        })
    }

    fn wait<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.rt
            .0
            .as_ref()
            .expect("the runtime lives as long as the client")
            .block_on(work)
    }

    pub fn policy(&self) -> &NetPolicy {
        self.net.policy()
    }

    /// One request: `build` adds headers and a body to the request for `url`.
    pub fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Reply, NetError> {
        self.wait(self.net.send(method, url, build))
    }

    /// GET with an `Accept` header; any status.
    pub fn get(&self, url: &str, accept: &str) -> Result<Reply, NetError> {
        self.send(reqwest::Method::GET, url, |r| r.header("accept", accept))
    }

    /// GET a JSON document: 2xx required, nesting bounded.
    pub fn get_json(&self, url: &str) -> Result<Value, NetError> {
        let r = self.get(url, "application/json")?.success()?;
        parse_json(url, &r.body, self.net.policy().max_json_depth)
    }

    /// Sends a built request under the policy (see [`Net::execute`]).
    pub fn execute(&self, req: reqwest::Request) -> Result<Reply, NetError> {
        self.wait(self.net.execute(req))
    }
}

//! CPU-heavy work (password hashing, credential verification) off the async workers, a few
//! jobs at a time: a flood of expensive requests queues here instead of taking every thread
//! of the runtime (and every other request with it).

use std::sync::Arc;

use tokio::sync::Semaphore;

/// A bounded pool of blocking jobs. Clones share the bound.
#[derive(Clone, Debug)]
pub struct Pool {
    permits: Arc<Semaphore>,
}

/// As many jobs as the machine has cores (at least one).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Pool {
    /// At most `jobs` jobs run at once (at least one).
    pub fn new(jobs: usize) -> Pool {
        Pool {
            permits: Arc::new(Semaphore::new(jobs.max(1))),
        }
    }

    /// Free places right now.
    pub fn free(&self) -> usize {
        self.permits.available_permits()
    }

    /// Runs `job` on a blocking thread once a place is free. The place stays taken until the
    /// job ends, even when the caller (a client that went away) stops waiting for it.
    pub async fn run<T, F>(&self, job: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| "the work pool is closed".to_owned())?;
        tokio::task::spawn_blocking(move || {
            let out = job();
            drop(permit);
            out
        })
        .await
        .map_err(|e| format!("the job failed: {e}"))
    }
}

impl Default for Pool {
    fn default() -> Pool {
        Pool::new(cores())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_more_than_the_bound_at_once() {
        let pool = Pool::new(2);
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut jobs = Vec::new();
        for _ in 0..8 {
            let (p, now, peak) = (pool.clone(), now.clone(), peak.clone());
            jobs.push(tokio::spawn(async move {
                p.run(move || {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    now.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        for j in jobs {
            j.await.unwrap().unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert_eq!(pool.free(), 2);
    }
}

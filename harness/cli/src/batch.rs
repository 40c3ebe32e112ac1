//! Many inputs on a few threads, results handed back in input order as they are ready.
//!
//! Workers take the next input only while it is fewer than [`WINDOW`] places ahead of the
//! last result handed back, so one slow input holds at most that many finished results in
//! memory, whatever the number of inputs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// How far workers may run ahead of the result handed back last.
pub const WINDOW: usize = 256;

struct Cursor {
    /// Next input to take.
    next: usize,
    /// Results handed back so far (all below this index).
    done: usize,
}

/// Runs `work` over `items` on `jobs` threads; `each` receives the results in order of
/// `items`, on the calling thread. The first error stops the run (inputs already taken
/// finish) and is returned; `each` has then received every result before the failing input.
pub fn run<I: Sync, T: Send>(
    items: &[I],
    jobs: usize,
    work: impl Fn(&I) -> Result<T, String> + Sync,
    mut each: impl FnMut(T),
) -> Result<(), String> {
    let cursor = Mutex::new(Cursor { next: 0, done: 0 });
    let moved = Condvar::new();
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Result<T, String>)>();
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let tx = tx.clone();
            let (cursor, moved, stop, work) = (&cursor, &moved, &stop, &work);
            s.spawn(move || loop {
                let i = {
                    let mut c = cursor.lock().unwrap_or_else(|p| p.into_inner());
                    while c.next < items.len()
                        && c.next >= c.done + WINDOW
                        && !stop.load(Ordering::Relaxed)
                    {
                        c = moved.wait(c).unwrap_or_else(|p| p.into_inner());
                    }
                    if c.next >= items.len() || stop.load(Ordering::Relaxed) {
                        return;
                    }
                    c.next += 1;
                    c.next - 1
                };
                if tx.send((i, work(&items[i]))).is_err() {
                    return;
                }
            });
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, Result<T, String>> = BTreeMap::new();
        let mut next = 0;
        let mut failure = None;
        for (i, r) in rx {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&next) {
                next += 1;
                match r {
                    Ok(t) if failure.is_none() => each(t),
                    Ok(_) => {}
                    Err(e) => {
                        if failure.is_none() {
                            failure = Some(e);
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
                cursor.lock().unwrap_or_else(|p| p.into_inner()).done = next;
                moved.notify_all();
            }
        }
        failure.map_or(Ok(()), Err)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_whatever_the_finishing_order() {
        let items: Vec<u64> = (0..600).collect();
        let mut seen = Vec::new();
        run(
            &items,
            4,
            |&i| {
                // later inputs finish sooner
                std::thread::sleep(std::time::Duration::from_micros((600 - i) % 7 * 50));
                Ok(i * 2)
            },
            |x| seen.push(x),
        )
        .unwrap();
        assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn workers_never_run_more_than_the_window_ahead() {
        use std::sync::atomic::AtomicUsize;
        let items: Vec<usize> = (0..2000).collect();
        let handed = AtomicUsize::new(0);
        let ahead = AtomicUsize::new(0);
        run(
            &items,
            3,
            |&i| {
                if i == 0 {
                    // the first input is slow: the others must wait for it
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                let gap = i.saturating_sub(handed.load(Ordering::SeqCst));
                ahead.fetch_max(gap, Ordering::SeqCst);
                Ok(i)
            },
            |_| {
                handed.fetch_add(1, Ordering::SeqCst);
            },
        )
        .unwrap();
        let most = ahead.load(Ordering::SeqCst);
        assert!(most >= WINDOW - 3, "the window was used: {most}");
        assert!(most < WINDOW, "ran {most} ahead");
    }

    #[test]
    fn the_first_error_stops_the_run_after_the_results_before_it() {
        let items: Vec<usize> = (0..5000).collect();
        let mut seen = 0;
        let err = run(
            &items,
            2,
            |&i| {
                if i == 10 {
                    Err(format!("input {i} unreadable"))
                } else {
                    Ok(i)
                }
            },
            |_| seen += 1,
        )
        .unwrap_err();
        assert_eq!(err, "input 10 unreadable");
        assert_eq!(seen, 10);
    }

    #[test]
    fn no_inputs_no_threads_no_results() {
        let mut n = 0;
        run(&Vec::<u8>::new(), 8, |_| Ok(()), |_| n += 1).unwrap();
        assert_eq!(n, 0);
    }
}

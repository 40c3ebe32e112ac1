//! Files that hold secrets (the SQLite databases with signing keys, password hashes and token
//! hashes) readable and writable by their owner only.

use std::path::{Path, PathBuf};

/// Makes the SQLite database at `path` private before it is opened: created empty with mode
/// 0600 when absent; an existing file (and its `-wal` / `-shm` companions) narrowed to 0600.
/// SQLite gives the journal files it creates later the mode of the database file.
pub fn private_db(path: &Path) -> std::io::Result<()> {
    if path.as_os_str().is_empty() || path == Path::new(":memory:") {
        return Ok(());
    }
    create_private(path)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p: PathBuf = path.to_owned();
        p.as_mut_os_string().push(suffix);
        if p.exists() {
            narrow(&p)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => narrow(path),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn narrow(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700 | 0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<()> {
    if !path.exists() {
        std::fs::File::create(path)?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn narrow(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The permission bits of a file (unix), for checks and tests.
#[cfg(unix)]
pub fn mode(path: &Path) -> std::io::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn new_and_existing_files_end_up_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("new.sqlite");
        private_db(&fresh).unwrap();
        assert_eq!(mode(&fresh).unwrap(), 0o600);
        let old = dir.path().join("old.sqlite");
        std::fs::write(&old, b"").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        let wal = dir.path().join("old.sqlite-wal");
        std::fs::write(&wal, b"").unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o666)).unwrap();
        private_db(&old).unwrap();
        assert_eq!(mode(&old).unwrap(), 0o600);
        assert_eq!(mode(&wal).unwrap(), 0o600);
        // SQLite's own journal follows the database file's mode
        let c = rusqlite::Connection::open(&fresh).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
            .unwrap();
        let wal = dir.path().join("new.sqlite-wal");
        assert_eq!(mode(&wal).unwrap(), 0o600);
    }
}

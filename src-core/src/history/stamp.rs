//! Whether the database may have changed, without opening it: a UI that lists the fired
//! alerts looks at the database file's and its write-ahead log's modified time and length
//! (one `stat` each, as the alerts file is followed) and reads only when they moved. Opening
//! the database runs its pragmas and schema; an idle UI (no rules, nothing recording) then
//! costs two `stat`s a look.

use std::path::Path;
use std::time::SystemTime;

/// The database's and its `-wal` file's (modified time, length); `None` for a missing file.
pub type DbStamp = [Option<(SystemTime, u64)>; 2];

fn of(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// The stamp of the database at `path` now.
pub fn db_stamp(path: &Path) -> DbStamp {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [of(path), of(Path::new(&wal))]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::history::{read_alerts, HistoryDb, HistoryOptions};
    use crate::model::FiredAlert;

    #[test]
    fn reading_leaves_the_stamp_and_an_alert_moves_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        assert_eq!(db_stamp(&path), [None, None]);
        assert!(read_alerts(&path, 0, 10).unwrap().is_empty());
        assert_eq!(
            db_stamp(&path),
            [None, None],
            "no database is made by a look"
        );
        let db = HistoryDb::open(&HistoryOptions::new(&path)).unwrap();
        // With the writer open (as a recorder keeps it), and after it closed.
        for open in [true, false] {
            let before = db_stamp(&path);
            assert!(before[0].is_some());
            read_alerts(&path, 0, 10).unwrap();
            read_alerts(&path, 0, 10).unwrap();
            assert_eq!(
                db_stamp(&path),
                before,
                "a look changes nothing (writer open: {open})"
            );
            if open {
                db.insert_alert(&FiredAlert {
                    id: 0,
                    at_ms: 1,
                    rule: "r".into(),
                    engine: "e".into(),
                    container_id: "c".into(),
                    container: "n".into(),
                    key: "name:n".into(),
                    cause: "x".into(),
                    notify: false,
                    actions: vec![],
                })
                .unwrap();
                assert_ne!(db_stamp(&path), before, "an alert moves it");
            }
        }
        drop(db);
    }
}

//! `validate`'s check of the file's tables against the schema this build writes: a damaged
//! byte in `sqlite_master` can rename a column (`uuid` → `uuid$TEXT`) or spoil a default
//! (`strftime` → `strftim�`), which SQLite's integrity check accepts and every later command
//! trips on.

use rusqlite::Connection;

use super::schema;

/// One column as `PRAGMA table_info` gives it.
#[derive(Debug, PartialEq, Eq)]
struct Column {
    name: String,
    kind: String,
    not_null: bool,
    default: Option<String>,
    key: i64,
}

impl Column {
    /// The column as a schema writes it: `TEXT NOT NULL DEFAULT (…)`.
    fn describe(&self) -> String {
        let mut s = if self.kind.is_empty() {
            "no type".to_owned()
        } else {
            self.kind.clone()
        };
        if self.not_null {
            s.push_str(" NOT NULL");
        }
        if let Some(d) = &self.default {
            s.push_str(" DEFAULT ");
            s.push_str(d);
        }
        if self.key > 0 {
            s.push_str(" PRIMARY KEY");
        }
        s
    }
}

/// `table`'s columns, their text read as bytes (a damaged schema need not be UTF-8).
fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<Column>> {
    let text = |v: rusqlite::types::ValueRef<'_>| match v {
        rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
            Some(String::from_utf8_lossy(b).into_owned())
        }
        _ => None,
    };
    let mut stmt = conn.prepare(
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid",
    )?;
    stmt.query_map([table], |r| {
        Ok(Column {
            name: text(r.get_ref(0)?).unwrap_or_default(),
            kind: text(r.get_ref(1)?).unwrap_or_default(),
            not_null: r.get::<_, i64>(2)? != 0,
            default: text(r.get_ref(3)?),
            key: r.get(4)?,
        })
    })?
    .collect()
}

/// Every table of a new file with its columns, built once per process.
static REFERENCE: std::sync::OnceLock<Vec<(String, Vec<Column>)>> = std::sync::OnceLock::new();

/// The tables and columns of a new campaign file, built in memory by the same path as a file.
fn reference() -> rusqlite::Result<Vec<(String, Vec<Column>)>> {
    let mut conn = Connection::open_in_memory()?;
    super::spatial::register(&conn)?;
    let tx = conn.transaction()?;
    schema::create(&tx, "reference", "reference")?;
    tx.commit()?;
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tables
        .into_iter()
        .map(|t| {
            let c = columns(&conn, &t)?;
            Ok((t, c))
        })
        .collect()
}

/// The columns the file lacks or has changed against a new file's schema; tables in `skip`
/// are checked elsewhere when missing. Columns a user added (in QGIS) are theirs to have.
pub(super) fn schema_problems(conn: &Connection, skip: &[&str]) -> rusqlite::Result<Vec<String>> {
    let reference = if let Some(r) = REFERENCE.get() {
        r
    } else {
        let built = reference()?;
        REFERENCE.get_or_init(|| built)
    };
    let mut problems = Vec::new();
    for (table, expected) in reference {
        let actual = columns(conn, table)?;
        if actual.is_empty() {
            if !skip.contains(&table.as_str()) {
                problems.push(format!("table {table} is missing"));
            }
            continue;
        }
        for e in expected {
            match actual.iter().find(|a| a.name == e.name) {
                None => problems.push(format!("table {table} lacks its column {}", e.name)),
                Some(a) if a != e => problems.push(format!(
                    "table {table}, column {}: {} where the campaign schema has {}",
                    e.name,
                    a.describe(),
                    e.describe()
                )),
                Some(_) => {}
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::spatial::register(&conn).unwrap();
        let tx = conn.transaction().unwrap();
        schema::create(&tx, "t", "t").unwrap();
        tx.commit().unwrap();
        conn
    }

    #[test]
    fn a_new_file_matches_and_a_renamed_or_dropped_column_or_a_spoilt_default_does_not() {
        let conn = campaign();
        assert!(schema_problems(&conn, &[]).unwrap().is_empty());
        conn.execute_batch(
            "ALTER TABLE elections RENAME COLUMN uuid TO \"uuid$TEXT\"; \
             ALTER TABLE teams DROP COLUMN colour; \
             ALTER TABLE precincts ADD COLUMN notes TEXT;",
        )
        .unwrap();
        let problems = schema_problems(&conn, &[]).unwrap();
        assert!(
            problems.contains(&"table elections lacks its column uuid".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.contains(&"table teams lacks its column colour".to_owned()),
            "{problems:?}"
        );
        assert_eq!(
            problems.len(),
            2,
            "a column a user adds is theirs: {problems:?}"
        );
    }
}

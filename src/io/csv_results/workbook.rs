//! Results in a spreadsheet (`.xlsx`, `.xls`, `.ods`), read with calamine: the first sheet, or
//! the one named, made into the same table a CSV file gives, so the same layouts and guesses
//! apply. Numbers are numbers there: no decimal comma to guess; a whole number stored as a
//! float ("101.0") is written whole.

use std::path::Path;

use calamine::{Data, Reader as _, open_workbook_auto};

use super::text::{Table, header_position};
use crate::io::ImportError;

/// Whether `path` is a workbook calamine reads, from its first bytes and name.
#[must_use]
pub fn is_workbook(path: &Path, head: &[u8]) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let zip = head.starts_with(b"PK\x03\x04");
    let ole = head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    (zip && matches!(ext.as_str(), "xlsx" | "xlsm" | "ods")) || (ole && ext == "xls")
}

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(t) => t.to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads the sheet `sheet` (or the first) of the workbook at `path` as a table.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table, ImportError> {
    let format = |detail: String| ImportError::Format {
        path: path.to_path_buf(),
        detail,
    };
    let mut book = open_workbook_auto(path)
        .map_err(|e| format(format!("the workbook cannot be read: {e}")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(s.trim()))
            .cloned()
            .ok_or_else(|| {
                format(format!(
                    "no sheet named {s:?}; its sheets: {}",
                    names
                        .iter()
                        .map(|n| format!("{n:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| format("the workbook has no sheet".to_owned()))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format(format!("sheet {name:?} cannot be read: {e}")))?;
    let mut records = Vec::new();
    let mut blank_lines = 0;
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            blank_lines += 1;
            continue;
        }
        let mut record = csv::StringRecord::from(cells);
        record.trim();
        // Rows counted from the sheet's first used row.
        records.push((range.start().map_or(0, |(r, _)| r as usize) + i + 1, record));
    }
    if records.is_empty() {
        return Err(format(format!("sheet {name:?} is empty")));
    }
    let title_lines = header_position(&records);
    records.drain(..title_lines);
    let (_, header) = records.remove(0);
    if records.is_empty() {
        return Err(format(format!("sheet {name:?} has a header but no rows")));
    }
    Ok(Table {
        headers: header.iter().map(|h| h.trim().to_owned()).collect(),
        records,
        encoding: if names.len() > 1 {
            "a workbook (its first sheet or the one named)"
        } else {
            "a workbook"
        },
        delimiter: b',',
        decimal_comma: false,
        blank_lines,
        title_lines,
    })
}

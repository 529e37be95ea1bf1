//! The layers of ARCHITECTURE.md, checked by reading the `crate::` paths of every source file
//! (test modules left out): each top-level module uses only those below it, so the import
//! graph has no cycle, `ui` never imports the app shell, `store` never imports `io`, and `map`
//! never imports `demo`.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What each top-level module may use (ARCHITECTURE.md's "may use", for this crate's
/// modules).
const MAY_USE: &[(&str, &[&str])] = &[
    ("progress", &[]),
    ("paths", &[]),
    ("domain", &[]),
    ("store", &["domain", "progress"]),
    ("io", &["domain", "progress", "store"]),
    ("synth", &["domain", "progress", "store"]),
    ("map", &["domain", "paths"]),
    ("replay", &["map"]),
    ("demo", &["domain", "io", "paths", "progress", "store"]),
    ("state", &["domain", "io", "map", "progress", "store"]),
    ("ui", &["domain", "io", "map", "state"]),
    ("cli", &["domain", "io", "progress", "store", "synth"]),
    (
        "app",
        &[
            "demo", "domain", "io", "map", "paths", "progress", "replay", "state", "store", "ui",
        ],
    ),
];

/// The modules each top-level module names as `crate::…` outside its tests.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            if top == "lib" || top == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            let used = out.entry(top.clone()).or_default();
            for (at, _) in code.match_indices("crate::") {
                let name: String = code[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if name != top && !name.is_empty() {
                    used.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let allowed: BTreeMap<&str, &[&str]> = MAY_USE.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, used) in uses() {
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!("{module} is not in ARCHITECTURE.md's table"));
            continue;
        };
        for u in used {
            if !may.contains(&u.as_str()) {
                wrong.push(format!("{module} uses {u}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Depth-first search for a module reached again while it is being explored.
fn visit(
    node: &str,
    graph: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|p| p == node) {
        let mut cycle = path[at..].to_vec();
        cycle.push(node.to_owned());
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_owned());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(cycle) = visit(next, graph, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(node.to_owned());
    None
}

#[test]
fn the_import_graph_has_no_cycle() {
    let graph = uses();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        let cycle = visit(node, &graph, &mut Vec::new(), &mut done);
        assert!(cycle.is_none(), "a cycle: {}", cycle.unwrap().join(" → "));
    }
}

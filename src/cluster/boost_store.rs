//! Where a boost's plan is kept when the identity may patch `pods/resize` but not the pod
//! itself (so no annotation can be written): one JSON file per pod under
//! `$XDG_STATE_HOME/podsize/boosts/` (default `~/.local/state/podsize/boosts/`). Only podsize
//! processes of this user on this machine see it, which the commands say when they use it.

use crate::model::decide::boost::BoostPlan;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The directory boost plans are kept in when annotations cannot be written.
pub fn state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(base.join("podsize").join("boosts"))
}

/// A file name from the pod's identity; `/` cannot occur in names but is replaced anyway.
fn file_name(namespace: &str, pod: &str) -> String {
    format!("{namespace}_{pod}.json").replace('/', "_")
}

/// The plan file of one pod in `dir`.
pub fn plan_path(dir: &Path, namespace: &str, pod: &str) -> PathBuf {
    dir.join(file_name(namespace, pod))
}

/// Writes the plan (replacing an earlier one) through a temporary file, so a reader never
/// sees half a plan.
pub fn write(dir: &Path, namespace: &str, pod: &str, plan: &BoostPlan) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = plan_path(dir, namespace, pod);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    f.write_all(plan.to_annotation().as_bytes())
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// The raw plan text of one pod, when a file exists.
pub fn read(dir: &Path, namespace: &str, pod: &str) -> Option<String> {
    std::fs::read_to_string(plan_path(dir, namespace, pod)).ok()
}

/// Removes the plan of one pod (and its claim); a missing file is fine.
pub fn remove(dir: &Path, namespace: &str, pod: &str) {
    let path = plan_path(dir, namespace, pod);
    let _ = std::fs::remove_file(claim_path(&path));
    let _ = std::fs::remove_file(path);
}

fn claim_path(plan: &Path) -> PathBuf {
    plan.with_extension("claim")
}

/// Claims the revert: creating the claim file is atomic, so of several processes exactly one
/// wins; the others get `false` and stand down.
pub fn claim(dir: &Path, namespace: &str, pod: &str) -> bool {
    let path = claim_path(&plan_path(dir, namespace, pod));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .is_ok()
}

/// Every (namespace, pod) with a plan file in `dir`.
pub fn list(dir: &Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".json")?;
            let (ns, pod) = stem.split_once('_')?;
            Some((ns.to_string(), pod.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decide::boost::Until;

    fn plan() -> BoostPlan {
        BoostPlan {
            container: "app".into(),
            uid: "u1".into(),
            original: Default::default(),
            original_exact: Default::default(),
            boosted: Default::default(),
            until: Until::Ready,
            started_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            started_by: "me".into(),
            claim: None,
        }
    }

    #[test]
    fn plans_are_written_listed_claimed_once_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "shop", "web-1", &plan()).unwrap();
        assert!(path.ends_with("shop_web-1.json"));
        assert_eq!(list(dir.path()), vec![("shop".into(), "web-1".into())]);
        let text = read(dir.path(), "shop", "web-1").unwrap();
        assert_eq!(BoostPlan::from_annotation(&text), Ok(plan()));
        assert!(claim(dir.path(), "shop", "web-1"));
        assert!(!claim(dir.path(), "shop", "web-1"), "a second claim loses");
        remove(dir.path(), "shop", "web-1");
        assert!(list(dir.path()).is_empty());
        assert!(read(dir.path(), "shop", "web-1").is_none());
    }
}

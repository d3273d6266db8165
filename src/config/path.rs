//! Which config file is read: `--config FILE`, else `$PODSIZE_CONFIG`, else
//! `$XDG_CONFIG_HOME/podsize/config.toml`, else `~/.config/podsize/config.toml`.

use super::values::Source;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub const ENV_CONFIG: &str = "PODSIZE_CONFIG";

/// The config file's path and why it is that one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigPath {
    /// `None` when neither XDG_CONFIG_HOME nor HOME tells where the default is.
    pub path: Option<PathBuf>,
    /// `Default` for the XDG location; a missing file is only an error when named explicitly.
    pub source: Source,
}

impl ConfigPath {
    /// From the flag and the process environment.
    pub fn find(flag: Option<&Path>) -> Self {
        Self::from_parts(
            flag,
            std::env::var_os(ENV_CONFIG),
            std::env::var_os("XDG_CONFIG_HOME"),
            std::env::var_os("HOME"),
        )
    }

    /// [`ConfigPath::find`] over given values. A relative or empty XDG_CONFIG_HOME is
    /// ignored, as the XDG base directory spec says.
    pub fn from_parts(
        flag: Option<&Path>,
        env: Option<OsString>,
        xdg: Option<OsString>,
        home: Option<OsString>,
    ) -> Self {
        if let Some(path) = flag {
            return Self {
                path: Some(path.to_path_buf()),
                source: Source::Flag("--config"),
            };
        }
        if let Some(path) = env.filter(|p| !p.is_empty()) {
            return Self {
                path: Some(PathBuf::from(path)),
                source: Source::Env(ENV_CONFIG),
            };
        }
        let xdg = xdg.map(PathBuf::from).filter(|p| p.is_absolute());
        let base = xdg.or_else(|| {
            home.filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        });
        Self {
            path: base.map(|b| b.join("podsize").join("config.toml")),
            source: Source::Default,
        }
    }

    pub fn explicit(&self) -> bool {
        self.source != Source::Default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_then_env_then_xdg_then_home() {
        let find = |flag: Option<&str>, env: Option<&str>, xdg: Option<&str>| {
            ConfigPath::from_parts(
                flag.map(Path::new),
                env.map(OsString::from),
                xdg.map(OsString::from),
                Some("/home/u".into()),
            )
            .path
        };
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(
            find(Some("/f.toml"), Some("/e.toml"), Some("/x")),
            p("/f.toml")
        );
        assert_eq!(find(None, Some("/e.toml"), Some("/x")), p("/e.toml"));
        assert_eq!(
            find(None, Some(""), Some("/x")),
            p("/x/podsize/config.toml")
        );
        let home = p("/home/u/.config/podsize/config.toml");
        assert_eq!(find(None, None, Some("relative")), home);
        assert_eq!(find(None, None, None), home);
        let nowhere = ConfigPath::from_parts(None, None, None, None);
        assert_eq!(nowhere.path, None);
    }
}

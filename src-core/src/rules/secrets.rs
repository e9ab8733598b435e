//! Secret-looking environment values: which keys hold secrets ([`is_secret_key`]), and
//! masking them in `KEY=value` entries and in inspect documents.
//!
//! Both UIs show env values masked by default and reveal them only on an explicit request;
//! anything Wharf writes (logs, exports, copies) uses the masked form unless the user asked
//! for the values. Masking errs on the side of hiding: a false positive costs a key press,
//! a false negative shows a password to whoever looks at the screen.

use std::borrow::Cow;

use crate::spec::diff::SettingChange;
use crate::spec::run::{RunForm, RunPreview};

/// What a masked value is replaced with; the same length whatever the value, so the mask
/// does not tell how long the secret is.
pub const MASK: &str = "••••••••";

/// Parts of a key that mark a secret wherever they appear (`DBPASSWORD`, `GITHUB_TOKEN`).
const SECRET_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "APIKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "API_KEY",
    "CLIENT_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
];

/// Words (between `_`, `-`, `.` or a camelCase boundary) that mark a secret only as whole
/// words: `KEY` but not `KEYBOARD` or `MONKEY`, `PASS` but not `PASSENGER`, `AUTH` but not
/// `AUTHOR`.
const SECRET_WORDS: &[&str] = &[
    "KEY", "PASS", "PWD", "AUTH", "CREDS", "SALT", "COOKIE", "DSN",
];

/// Whether an environment variable called `key` holds a secret (case-insensitive).
pub fn is_secret_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    if SECRET_PARTS.iter().any(|p| upper.contains(p)) {
        return true;
    }
    words(key)
        .iter()
        .any(|w| SECRET_WORDS.contains(&w.to_ascii_uppercase().as_str()))
}

/// The words of a key: split at `_`, `-`, `.`, spaces and lower→upper case changes.
fn words(key: &str) -> Vec<&str> {
    let mut cuts = vec![0];
    let b = key.as_bytes();
    for i in 1..b.len() {
        if b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase() {
            cuts.push(i);
        }
    }
    cuts.push(b.len());
    // Cuts fall between two ASCII bytes, so every slice is on a character boundary.
    cuts.windows(2)
        .filter_map(|w| key.get(w[0]..w[1]))
        .flat_map(|part| part.split(['_', '-', '.', ' ']))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a value carries a password whatever its key: a URL with one in its user part
/// (`postgres://app:hunter2@db/app`).
pub fn is_secret_value(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(user, _)| user.contains(':'))
}

/// `KEY=value` with the value masked when the key or the value looks secret. Entries without
/// `=` are names only and stay as they are.
pub fn mask_env_entry(entry: &str) -> Cow<'_, str> {
    match entry.split_once('=') {
        Some((k, v)) if !v.is_empty() && (is_secret_key(k) || is_secret_value(v)) => {
            Cow::Owned(format!("{k}={MASK}"))
        }
        _ => Cow::Borrowed(entry),
    }
}

/// A run form's preview for display, parsing (and reading its env file) once: the preview
/// itself (whose command line is the real one, for copying) and the `docker run` line with
/// every secret-looking env value masked, from `-e` entries and the env file alike.
pub fn display_preview(form: &RunForm) -> (RunPreview, Option<String>) {
    match form.parse() {
        Ok(plan) => {
            let mut shown = plan.clone();
            for (k, v) in &mut shown.env {
                if !v.is_empty() && (is_secret_key(k) || is_secret_value(v)) {
                    MASK.clone_into(v);
                }
            }
            (RunPreview::of_plan(&plan), Some(shown.docker_run()))
        }
        Err(errors) => (RunPreview::of_errors(errors), None),
    }
}

/// An edit's changes for display: the old and new values of secret-looking environment
/// variables (by key or value) masked. The values themselves are not shown, but the line
/// still says that the variable changed.
pub fn mask_diff(changes: &mut [SettingChange]) {
    for c in changes.iter_mut() {
        let Some(key) = c.key.as_deref().filter(|_| c.setting == "environment") else {
            continue;
        };
        let secret = is_secret_key(key) || is_secret_value(&c.old) || is_secret_value(&c.new);
        if secret {
            for v in [&mut c.old, &mut c.new] {
                if !v.is_empty() {
                    MASK.clone_into(v);
                }
            }
        }
    }
}

/// Masks secret env values in a container inspect document (`Config.Env`) in place;
/// returns how many were masked.
pub fn mask_inspect(doc: &mut serde_json::Value) -> usize {
    let Some(env) = doc
        .pointer_mut("/Config/Env")
        .and_then(serde_json::Value::as_array_mut)
    else {
        return 0;
    };
    let mut n = 0;
    for e in env.iter_mut() {
        if let Some(s) = e.as_str() {
            if let Cow::Owned(m) = mask_env_entry(s) {
                *e = serde_json::Value::String(m);
                n += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_masks_secret_env_values_only() {
        let old = RunForm {
            env: vec![
                "PASSWORD=a".into(),
                "A=1".into(),
                "URL=postgres://u:pw@h/db".into(),
            ],
            ..Default::default()
        };
        let new = RunForm {
            env: vec!["PASSWORD=b".into(), "A=2".into()],
            ..Default::default()
        };
        let mut d = crate::spec::diff::diff(&old, &new);
        mask_diff(&mut d);
        let shown: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                format!("environment PASSWORD: {MASK} → {MASK}"),
                "environment A: 1 → 2".to_owned(),
                format!("environment URL: − {MASK}"),
            ]
        );
    }

    #[test]
    fn secret_keys() {
        for k in [
            "PASSWORD",
            "POSTGRES_PASSWORD",
            "mysql_root_password",
            "dbPassword",
            "DB_PASSWD",
            "REDIS_PASS",
            "SMTP_PWD",
            "GITHUB_TOKEN",
            "tokenSecret",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "SSH_KEY",
            "apiKey",
            "STRIPE_API_KEY",
            "TLS_PRIVATE_KEY",
            "GPG_PASSPHRASE",
            "AUTH",
            "BASIC_AUTH",
            "auth-header",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "DOCKER_CREDS",
            "SENTRY_DSN",
            "SESSION_COOKIE",
            "JWT_SIGNING_KEY",
        ] {
            assert!(is_secret_key(k), "{k} is a secret");
        }
    }

    #[test]
    fn ordinary_keys() {
        for k in [
            "PATH",
            "HOME",
            "KEYBOARD_LAYOUT",
            "MONKEY_PATCH",
            "PASSENGER_APP_ENV",
            "AUTHOR",
            "AUTHORS_FILE",
            "NGINX_VERSION",
            "LANG",
            "HOSTNAME",
            "KEYSPACE",
            "BYPASS_CACHE",
            "COMPASS_HOME",
        ] {
            assert!(!is_secret_key(k), "{k} is not a secret");
        }
    }

    #[test]
    fn urls_with_passwords_are_secret_values() {
        assert!(is_secret_value("postgres://app:hunter2@db:5432/app"));
        assert!(is_secret_value("redis://:pw@cache"));
        assert!(!is_secret_value("https://example.com/a@b"));
        assert!(!is_secret_value("https://user@example.com/"));
        assert!(!is_secret_value("plain"));
    }

    #[test]
    fn entries_and_inspect_documents_are_masked() {
        assert_eq!(
            mask_env_entry("DB_PASSWORD=hunter2"),
            format!("DB_PASSWORD={MASK}")
        );
        assert_eq!(mask_env_entry("PATH=/bin"), "PATH=/bin");
        assert_eq!(mask_env_entry("TOKEN="), "TOKEN=");
        assert_eq!(mask_env_entry("TOKEN"), "TOKEN");
        assert_eq!(
            mask_env_entry("DATABASE_URL=mysql://u:p@db/x"),
            format!("DATABASE_URL={MASK}")
        );
        let mut doc = serde_json::json!({
            "Config": { "Env": ["PATH=/bin", "API_TOKEN=abc123", "X=1"] },
            "Args": ["API_TOKEN=abc123"]
        });
        assert_eq!(mask_inspect(&mut doc), 1);
        assert_eq!(doc["Config"]["Env"][1], format!("API_TOKEN={MASK}"));
        assert_eq!(doc["Config"]["Env"][0], "PATH=/bin");
        assert_eq!(mask_inspect(&mut serde_json::json!({"Id": "x"})), 0);
    }
}

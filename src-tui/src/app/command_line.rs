//! The `:` command line, k9s style: views by name or alias (from the kinds' registry), plus a
//! few verbs.

use wharf_core::model::PruneTarget;

use super::App;
use crate::kinds::{View, KINDS};
use crate::msg::Effect;
use crate::prompt::Mode;
const VERBS: &[&str] = &[
    "quit",
    "q",
    "help",
    "prune",
    "create",
    "run",
    "tail",
    "save",
    "sort",
    "filter",
    "stopped",
    "update",
    "dash",
    "connect",
    "disconnect",
    "pull",
    "push",
    "tag",
    "history",
    "export",
    "load",
    "login",
    "check",
    "update-images",
    "dangling",
    "unused",
    "build",
    "search",
    "ctx",
    "host",
    "logs",
    "archive",
    "fleet",
];

const PRUNE_TARGETS: &[&str] = &[
    "containers",
    "images",
    "images-all",
    "networks",
    "volumes",
    "volumes-all",
    "build-cache",
];

/// Candidates for the word being typed; `images` are the local image names `:run` completes,
/// `contexts` the docker contexts `:ctx` does.
pub fn completions(text: &str, images: &[String], contexts: &[String]) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let trailing_space = text.ends_with(' ');
    let (done, partial) = if trailing_space || words.is_empty() {
        (words.as_slice(), "")
    } else {
        (&words[..words.len() - 1], words[words.len() - 1])
    };
    let pool: Vec<&str> = match done {
        [] => KINDS
            .iter()
            .map(|k| k.name)
            .chain(VERBS.iter().copied())
            .collect(),
        ["prune"] => PRUNE_TARGETS.to_vec(),
        ["create"] => vec!["network", "volume"],
        ["compose"] => vec!["up", "down", "pull", "build"],
        ["run"] | ["pull"] | ["push"] => images.iter().map(String::as_str).collect(),
        ["ctx"] | ["context"] => contexts.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<String> = pool
        .into_iter()
        .filter(|c| c.starts_with(partial))
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

impl App {
    /// The local image names `:run` completes: every real tag, sorted.
    pub fn image_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .snapshot
            .images
            .values()
            .flat_map(|i| wharf_core::rules::prune::real_tags(i))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Run a command line.
    pub(super) fn run_command(&mut self, line: &str) -> Vec<Effect> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((&first, rest)) = words.split_first() else {
            return Vec::new();
        };
        // `:compose` alone opens the projects (an alias); with words it runs the compose tool.
        if first == "compose" && !rest.is_empty() {
            return self.compose_command(rest);
        }
        if let Some(v) = View::by_alias(first) {
            self.dash = None;
            let mut fx = self.go(v);
            if !rest.is_empty() {
                self.apply_filter(&rest.join(" "));
            }
            fx.push(Effect::CloseLogs);
            return fx;
        }
        if let Some(fx) = self.images_command(first, rest) {
            return fx;
        }
        match (first, rest) {
            ("q" | "quit" | "q!" | "qa", _) => {
                self.quit = true;
                Vec::new()
            }
            ("help" | "h", _) => {
                self.mode = Mode::Help(0);
                Vec::new()
            }
            ("stopped", _) => {
                self.show_stopped = !self.show_stopped;
                self.refresh_rows();
                Vec::new()
            }
            ("filter", words) => {
                self.apply_filter(&words.join(" "));
                Vec::new()
            }
            ("prune", [what]) => {
                let target = match *what {
                    "containers" => PruneTarget::Containers,
                    "images" => PruneTarget::Images { all: false },
                    "images-all" => PruneTarget::Images { all: true },
                    "networks" => PruneTarget::Networks,
                    "volumes" => PruneTarget::Volumes { all: false },
                    "volumes-all" => PruneTarget::Volumes { all: true },
                    "build-cache" | "build" => PruneTarget::BuildCache,
                    other => {
                        self.toast(
                            format!(
                                "prune what? {other:?} is not one of {}",
                                PRUNE_TARGETS.join(", ")
                            ),
                            true,
                        );
                        return Vec::new();
                    }
                };
                self.prune_preview(target)
            }
            ("ctx" | "context", words) => self.ctx_command(words),
            ("fleet", []) => vec![Effect::Fleet],
            ("host", words) => self.host_command(words),
            ("logs", words) => self.merged_logs_command(words),
            ("archive", words) => self.archive_command(words),
            ("dash", words) => self.dash_command(words),
            ("run", []) => self.open_run_form(""),
            ("run", [image]) => self.open_run_form(image),
            ("create", ["network", words @ ..]) => self.create_network_command(words),
            ("update-images", []) => self.update_images(),
            ("update", words) => self.update_command(words),
            ("connect", words) => self.connect_command(words),
            ("disconnect", words) => self.disconnect_command(words),
            ("build", []) => self.open_build(""),
            ("build", [dir]) => self.open_build(dir),
            ("search", [term]) => self.open_search(term),
            ("search", _) => {
                self.toast(
                    "search needs one term: :search NAME or :search REGISTRY/NAME",
                    true,
                );
                Vec::new()
            }
            ("create", ["volume", name]) => {
                self.on_prompt_submit(crate::prompt::PromptKind::CreateVolume, name)
            }
            ("tail", [n]) => match n.parse::<usize>() {
                Ok(n) if n > 0 => {
                    self.settings.log_tail = n;
                    match &mut self.details {
                        Some(d) => {
                            d.logs.tail = n;
                            d.reopen_logs()
                        }
                        None => {
                            self.toast(format!("logs will open with the last {n} lines"), false);
                            Vec::new()
                        }
                    }
                }
                _ => {
                    self.toast(
                        format!("tail needs a positive number of lines, not {n:?}"),
                        true,
                    );
                    Vec::new()
                }
            },
            ("save", [path]) => self.on_prompt_submit(crate::prompt::PromptKind::SaveLogs, path),
            ("sort", [name]) => {
                let cols = self.view.kind().columns;
                let wanted = name.to_lowercase();
                match cols
                    .iter()
                    .position(|c| c.title.to_lowercase().starts_with(&wanted))
                {
                    Some(i) => {
                        if let Some(t) = self.tables.get_mut(&self.view) {
                            t.sort_col = i;
                        }
                        self.refresh_rows();
                    }
                    None => {
                        let names: Vec<String> =
                            cols.iter().map(|c| c.title.to_lowercase()).collect();
                        self.toast(
                            format!("no column {name:?}; columns: {}", names.join(", ")),
                            true,
                        );
                    }
                }
                Vec::new()
            }
            _ => {
                self.toast(
                    format!("unknown command {line:?} (tab completes, :help lists keys)"),
                    true,
                );
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_views_verbs_and_arguments() {
        let none: &[String] = &[];
        assert_eq!(completions("im", none, none), vec!["images"]);
        assert!(completions("", none, none).contains(&"containers".to_owned()));
        assert_eq!(
            completions("prune im", none, none),
            vec!["images", "images-all"]
        );
        assert_eq!(completions("create v", none, none), vec!["volume"]);
        assert!(completions("zz", none, none).is_empty());
        let images = ["busybox:1.36".to_owned(), "nginx:1.25".to_owned()];
        assert_eq!(completions("run b", &images, none), vec!["busybox:1.36"]);
        assert_eq!(completions("ru", &images, none), vec!["run"]);
        let contexts = [
            "default".to_owned(),
            "prod".to_owned(),
            "prod-eu".to_owned(),
        ];
        assert_eq!(completions("ct", none, &contexts), vec!["ctx"]);
        assert_eq!(
            completions("ctx pr", none, &contexts),
            vec!["prod", "prod-eu"]
        );
        assert_eq!(completions("ctx ", none, &contexts).len(), 3);
        // Images are not contexts, nor the other way round.
        assert!(completions("ctx b", &images, &contexts).is_empty());
    }
}

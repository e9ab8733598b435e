//! Fired alerts in the app: the `:alerts` view's list (newest first, bounded) and, for an
//! alert that arrives while the UI runs and asks to notify, a toast and a bell.

use wharf_core::model::FiredAlert;

use super::App;
use crate::kinds::View;
use crate::msg::Effect;

/// Alerts kept for the view.
pub const KEEP: usize = 500;

impl App {
    /// Alerts read from the history (`first`: the look at start, which is listed, not
    /// announced).
    pub fn on_alerts(
        &mut self,
        first: bool,
        result: Result<Vec<FiredAlert>, String>,
    ) -> Vec<Effect> {
        let list = match result {
            Ok(l) => l,
            Err(e) => {
                self.toast(format!("alerts: {e}"), true);
                return Vec::new();
            }
        };
        if list.is_empty() {
            return Vec::new();
        }
        let mut fx = Vec::new();
        let newest = self.newest_alert().unwrap_or(0);
        if !first {
            // Oldest first, so the newest is the toast that stays.
            for a in list.iter().rev().filter(|a| a.notify && a.id > newest) {
                self.alert_toast(format!("ALERT {}: {} — {}", a.rule, a.container, a.cause));
                fx.push(Effect::Bell);
            }
            fx.truncate(1);
        }
        let mut all = list;
        all.append(&mut self.alerts);
        all.sort_by_key(|a| std::cmp::Reverse(a.id));
        // The fresh read of an alert (its actions' results) wins: it comes first.
        all.dedup_by_key(|a| a.id);
        all.truncate(KEEP);
        self.alerts = all;
        if self.view == View::Alerts {
            self.refresh_rows();
        }
        fx
    }

    /// The newest alert id the app holds.
    pub fn newest_alert(&self) -> Option<i64> {
        self.alerts.first().map(|a| a.id)
    }
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;

//! Update in place: the limits and restart policy a running container can change without a
//! recreate (`docker update`), as strings typed by the user ([`UpdateForm`]) and the typed
//! [`UpdatePlan`] they parse into. A blank field leaves that setting as it is.
//!
//! The values are parsed by the run form's own parsers (a run form holding only these
//! fields), so a bad value gets the same message in both places ("memory '12q' is not a
//! size …"), and the same cross-field rules (memory swap at least memory) apply.

use serde::{Deserialize, Serialize};

use super::run::{Field, FieldError, RestartPolicy, RunForm};

/// What the user typed; blank = unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct UpdateForm {
    pub memory: String,
    pub memory_swap: String,
    pub memory_reservation: String,
    pub cpus: String,
    pub cpu_shares: String,
    pub pids_limit: String,
    pub restart: String,
}

/// Typed values; `None` = leave as is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdatePlan {
    pub memory: Option<u64>,
    pub memory_swap: Option<i64>,
    pub memory_reservation: Option<u64>,
    pub nano_cpus: Option<u64>,
    pub cpu_shares: Option<u32>,
    pub pids_limit: Option<i64>,
    pub restart: Option<RestartPolicy>,
}

impl UpdatePlan {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        *self == UpdatePlan::default()
    }
}

/// The fields an update form has, for error placement.
const FIELDS: &[Field] = &[
    Field::Memory,
    Field::MemorySwap,
    Field::MemoryReservation,
    Field::Cpus,
    Field::CpuShares,
    Field::PidsLimit,
    Field::Restart,
];

impl UpdateForm {
    /// Every problem, or the plan. A form with every field blank is an error: nothing to do.
    pub fn parse(&self) -> Result<UpdatePlan, Vec<FieldError>> {
        // A valid image so that only these fields can fail.
        let as_run = RunForm {
            image: "busybox".into(),
            memory: self.memory.clone(),
            memory_swap: self.memory_swap.clone(),
            memory_reservation: self.memory_reservation.clone(),
            cpus: self.cpus.clone(),
            cpu_shares: self.cpu_shares.clone(),
            pids_limit: self.pids_limit.clone(),
            restart: self.restart.clone(),
            ..RunForm::default()
        };
        let plan = match as_run.parse() {
            Ok(p) => p,
            Err(errors) => {
                return Err(errors
                    .into_iter()
                    .filter(|e| FIELDS.contains(&e.field))
                    .collect())
            }
        };
        let out = UpdatePlan {
            memory: plan.memory,
            memory_swap: plan.memory_swap,
            memory_reservation: plan.memory_reservation,
            nano_cpus: plan.nano_cpus,
            cpu_shares: plan.cpu_shares,
            pids_limit: plan.pids_limit,
            restart: plan.restart,
        };
        if out.is_empty() {
            return Err(vec![FieldError {
                field: Field::Memory,
                entry: None,
                message: "nothing to update: every field is blank".into(),
            }]);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let ok = |f: UpdateForm| f.parse().unwrap_or_else(|e| panic!("{e:?}"));
        let p = ok(UpdateForm {
            memory: "64m".into(),
            memory_swap: "-1".into(),
            cpus: "0.5".into(),
            pids_limit: "100".into(),
            restart: "on-failure:3".into(),
            ..Default::default()
        });
        assert_eq!(p.memory, Some(64 << 20));
        assert_eq!(p.memory_swap, Some(-1));
        assert_eq!(p.nano_cpus, Some(500_000_000));
        assert_eq!(p.pids_limit, Some(100));
        assert_eq!(
            p.restart,
            Some(RestartPolicy::OnFailure {
                max_retries: Some(3)
            })
        );
        assert_eq!(p.cpu_shares, None, "blank is unchanged");

        let err = |f: UpdateForm| f.parse().err().unwrap_or_else(|| panic!("accepted"));
        let e = err(UpdateForm {
            memory: "12q".into(),
            ..Default::default()
        });
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, Field::Memory);
        assert!(
            e[0].message.contains("'12q' is not a size"),
            "{}",
            e[0].message
        );
        let e = err(UpdateForm {
            restart: "sometimes".into(),
            cpus: "x".into(),
            ..Default::default()
        });
        assert_eq!(
            e.iter().map(|e| e.field).collect::<Vec<_>>(),
            [Field::Restart, Field::Cpus]
        );
        let e = err(UpdateForm::default());
        assert!(e[0].message.contains("nothing to update"));
    }
}

//! Domain rules both UIs share, written once: what counts as a secret, and how it is masked.

pub mod secrets;

//! Domain rules both UIs share, written once: what counts as a secret and how it is
//! masked; engine objects made inert for display.

pub mod inert;
pub mod secrets;

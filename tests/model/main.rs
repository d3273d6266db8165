//! The pure model: projection of real pods, resize state, plans, validation against the
//! simulated cluster's independent rules, and property tests.
//! One test binary with a module per file, sharing tests/common.
// Tests fail by panicking; their helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod batch_plan;
mod model_fixtures;
mod oracle_props;
mod plan;
mod projection_props;
mod resize_semantics;

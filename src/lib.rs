//! podsize: a terminal dashboard for Kubernetes in-place pod resize.

pub mod app;
pub mod cli;
pub mod cluster;
pub mod model;
pub mod theme;
pub mod ui;

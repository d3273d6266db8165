//! podsize: a terminal dashboard for Kubernetes in-place pod resize.

// First, so that `outln!` and `out!` are in scope in every module below.
#[macro_use]
pub mod stdout;

pub mod app;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod invocation;
pub mod model;
pub mod option_scope;
pub mod settings;
pub mod theme;
pub mod ui;

#[cfg(test)]
mod boundaries_tests;

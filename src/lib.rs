//! podsize: a terminal dashboard for Kubernetes in-place pod resize.

pub mod model;
pub mod theme;

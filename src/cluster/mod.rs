//! Talking to the API server: client building (with the read-only guard),
//! capability detection and watch tasks. Uses the model; knows nothing of the UI.

pub mod access;
pub mod boost;
pub mod boost_revert;
pub mod boost_store;
pub mod capabilities;
pub mod client;
pub mod connect_options;
pub mod connector;
pub mod cpu_manager;
pub mod health;
pub mod items;
pub mod list;
pub mod listwatch;
pub mod long_usage;
pub mod make_room;
pub mod make_room_owners;
pub mod metrics;
pub mod namespaces;
pub mod owners;
pub mod policy;
pub mod policy_watch;
pub mod probe;
pub mod prometheus;
pub mod readonly;
pub mod resize;
pub mod retry;
pub mod room_watch;
pub mod vpa;
pub mod watch;
pub mod wire;
pub mod workload_selector;

//! The podsize binary run as a script would run it, against simulated clusters over real HTTP
//! (kubectl as the independent client): every subcommand's output, exit codes and errors.
//! One test binary with a module per file, sharing tests/common.
// Tests fail by panicking; their helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod boost_cli;
mod boost_revert_cli;
mod boost_rollout_cli;
mod cli;
mod cli_docs;
mod cli_output;
mod closed_pipe;
mod completion_names;
mod config;
mod config_errors;
mod cpu_manager_cli;
mod demo_consistency;
mod errors_once;
mod get_clusters;
mod get_json;
mod info;
mod kubectl_plugin;
mod make_room_atomic;
mod make_room_cli;
mod make_room_precondition;
mod nodes_json;
mod nodes_text;
mod quantity_forms;
mod rbac_review;
mod recommend_hpa;
mod recommend_hpa_same;
mod recommend_sample;
mod recommend_table;
mod recommend_verify;
mod resize_admission;
mod resize_cli;
mod resize_preflight;
mod rightsizing_evidence;
mod same_cluster_contexts;
mod sim_consistency;
mod sim_fleet;
mod sim_no_metrics;
mod vpa_recommend;
mod words_cli;

//! The preflight on `podsize recommend`'s records (issue 27): a recommendation the
//! namespace's LimitRanges or quotas would refuse is not `applicable`, with the server's own
//! text in `errors`; one for a workload under an HPA scaling on that resource's utilisation
//! is not applicable either (the HPA named, with the replicas it would move to) unless
//! `--with-hpa` is given, since a smaller request makes the HPA scale out.

use super::recommend::ContainerAdvice;
use crate::cluster::owners::OwnerCache;
use crate::cluster::policy::read_policy;
use crate::cluster::prometheus::ContainerKey;
use crate::model::decide::preflight::{Change, preflight, to_whole_cpus, whole_cpus_only};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::cluster_policy::ClusterPolicy;
use crate::model::pods::usage::Usage;
use crate::model::rules::plan::{Field, PlanError};
use crate::model::{ContainerRow, PodRow};
use kube::Client;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The policies of every namespace shown, and the pods' workload owners.
pub struct PreflightContext {
    policies: BTreeMap<String, ClusterPolicy>,
    owners: OwnerCache,
    with_hpa: bool,
    /// To plan again a recommendation rounded to whole CPUs.
    server: crate::model::rules::plan::Server,
    /// Each pod's reading of metrics.k8s.io, keyed by (namespace, pod), for an HPA that
    /// reports no figure of its own.
    readings: Readings,
}

/// Each pod's reading of metrics.k8s.io (each container's use now), by (namespace, pod).
pub type Readings = HashMap<(String, String), Vec<(String, CpuMem)>>;

/// The pods' readings out of usage figures still per pod: taken before the figures are made
/// per workload, since an HPA prediction is about this pod's use now (`hpa_metric_use`), the
/// same reading `resize` and the dashboard judge by, not the workload's history.
pub fn readings_of(by_container: &HashMap<ContainerKey, Usage>, rows: &[PodRow]) -> Readings {
    rows.iter()
        .filter_map(|row| {
            let reading = super::resize_preflight::pod_usage_in(by_container, row)?;
            Some(((row.namespace.clone(), row.name.clone()), reading))
        })
        .collect()
}

/// A Guaranteed pod with a whole-CPU container: the only kind a static CPU manager pins.
fn may_be_pinned(pod: &PodRow) -> bool {
    pod.qos == Some(crate::model::pods::qos::QosClass::Guaranteed)
        && pod.containers.iter().any(|c| {
            c.desired
                .effective_requests()
                .cpu_millis
                .is_some_and(|m| m > 0 && m % 1000 == 0)
        })
}

impl PreflightContext {
    /// Reads each namespace's policy once (nodes are not read: a runtime warning does not
    /// change whether a patch applies). `owners` are the chains the usage step already read
    /// (a failure to read them was warned of there), so an HPA's target is matched without
    /// reading the ReplicaSets again.
    pub async fn read(
        client: &Client,
        rows: &[PodRow],
        owners: OwnerCache,
        with_hpa: bool,
    ) -> Self {
        let namespaces: BTreeSet<&str> = rows.iter().map(|r| r.namespace.as_str()).collect();
        let mut policies = BTreeMap::new();
        for ns in namespaces {
            let policy = read_policy(client, ns, None).await;
            for line in &policy.unreadable {
                eprintln!("podsize: not checked: {line}");
            }
            policies.insert(ns.to_string(), policy);
        }
        // The CPU manager of the nodes that hold a pod it may pin (configz, else learnt).
        let nodes: BTreeSet<&str> = rows
            .iter()
            .filter(|p| may_be_pinned(p))
            .filter_map(|p| p.node.as_deref())
            .collect();
        let mut managers = Vec::new();
        for node in nodes {
            managers.extend(crate::cluster::cpu_manager::read_cpu_manager(client, node).await);
        }
        for policy in policies.values_mut() {
            policy.cpu_managers.clone_from(&managers);
        }
        Self {
            policies,
            owners,
            with_hpa,
            server: crate::model::rules::plan::Server::with_minor(35),
            readings: Readings::new(),
        }
    }

    /// The pods' readings of metrics.k8s.io (`readings_of`), for HPAs without their own figure.
    pub fn with_readings(mut self, readings: Readings) -> Self {
        self.readings = readings;
        self
    }

    /// The server the plans are for (a rounded recommendation is planned again for it).
    pub fn with_server(mut self, server: crate::model::rules::plan::Server) -> Self {
        self.server = server;
        self
    }

    /// Under the static CPU manager a Guaranteed container with whole CPUs is offered whole
    /// CPUs only: a fractional recommendation is rounded up, planned again, and says why.
    fn round_to_whole_cpus(&self, pod: &PodRow, c: &ContainerRow, advice: &mut ContainerAdvice) {
        let (Some(plan), Some(policy)) = (advice.plan.as_ref(), self.policies.get(&pod.namespace))
        else {
            return;
        };
        let Some(why) = whole_cpus_only(policy, pod, &c.name) else {
            return;
        };
        let spec = to_whole_cpus(&plan.new_spec);
        if spec == plan.new_spec {
            return;
        }
        let edits = crate::model::rules::plan::Edits::from_spec(&spec);
        let plan = crate::model::rules::plan::plan_resize(
            pod,
            &c.name,
            edits,
            self.server.clone(),
            None,
            CpuMem::default(),
        );
        if let Some(rec) = advice.recommendation.as_mut() {
            rec.spec = spec;
            rec.changed = plan.changed;
            rec.reasons
                .push(format!("cpu rounded up to whole CPUs: {why}"));
        }
        advice.plan = plan.changed.then_some(plan);
    }

    /// Runs the preflight on the advice's plan, adding its refusals to the plan's errors;
    /// returns the HPA findings as JSON (`[]` when none).
    pub fn check(&self, pod: &PodRow, c: &ContainerRow, advice: &mut ContainerAdvice) -> Value {
        self.round_to_whole_cpus(pod, c, advice);
        let (Some(plan), Some(policy)) = (advice.plan.as_mut(), self.policies.get(&pod.namespace))
        else {
            return json!([]);
        };
        let reading = self
            .readings
            .get(&(pod.namespace.clone(), pod.name.clone()));
        let chain = self.owners.chain(pod);
        let workload = chain.last().map(|o| (o.kind.as_str(), o.name.as_str()));
        let change = Change {
            row: pod,
            container: &c.name,
            new_spec: &plan.new_spec,
            usage: reading.map(Vec::as_slice),
        };
        let found = preflight(policy, change, workload);
        // Any patch of a pod-level pod, container-level included, on 1.35 with the gate off.
        let gate = crate::model::decide::preflight::pod_level_gate_refusal(pod, self.server.minor);
        if let Some(text) = gate.or(found.refusal) {
            plan.errors.push(PlanError {
                field: Field::Whole,
                message: text,
            });
        }
        if !self.with_hpa {
            for effect in &found.hpa {
                plan.errors.push(PlanError {
                    field: Field::Whole,
                    message: format!("{} (--with-hpa to apply anyway)", effect.describe()),
                });
            }
        }
        let effects: Vec<Value> = found
            .hpa
            .iter()
            .map(|e| {
                json!({
                    "name": e.hpa, "resource": e.resource, "container": e.container,
                    "targetUtilization": e.target_utilization,
                    "utilizationBefore": e.before, "utilizationAfter": e.after,
                    "replicasBefore": e.replicas_before, "replicasAfter": e.replicas_after,
                })
            })
            .collect();
        Value::Array(effects)
    }
}

//! One metrics.k8s.io reading of a cluster, held in three allocations.
//!
//! A reading of 10,000 pods comes every 15 s. As a list of [`PodUsage`] values it was some
//! 45,000 small strings and vectors made while reading the answer and freed a moment later,
//! about a seventh of the idle dashboard's CPU. Here every name lies in one text, the pods and
//! containers in two lists, and the app borrows names from it while it matches the reading
//! with its pods; it copies a name only for a pod or container it sees for the first time.

use crate::model::ground::resources::CpuMem;

/// One pod's usage from metrics.k8s.io, owned: what the commands that print a reading take.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodUsage {
    pub namespace: String,
    pub name: String,
    /// Each container's CPU (millicores) and memory (bytes).
    pub containers: Vec<(String, CpuMem)>,
}

/// Where a name lies in the reading's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PodEntry {
    namespace: Span,
    name: Span,
    /// Its containers' place in `containers`.
    first: u32,
    end: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ContainerEntry {
    name: Span,
    usage: CpuMem,
}

/// The pods of one reading with what each container uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsageReading {
    text: String,
    pods: Vec<PodEntry>,
    containers: Vec<ContainerEntry>,
    /// Containers added since the last pod was closed: the next pod's.
    open_from: u32,
}

/// One pod of a reading, its names borrowed from it.
#[derive(Clone, Copy, Debug)]
pub struct PodReading<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    text: &'a str,
    containers: &'a [ContainerEntry],
}

impl<'a> PodReading<'a> {
    /// Its containers with what each uses, in the reading's order.
    pub fn containers(&self) -> impl ExactSizeIterator<Item = (&'a str, CpuMem)> + 'a {
        let text = self.text;
        (self.containers.iter()).map(move |c| (slice(text, c.name), c.usage))
    }
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or_default()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl UsageReading {
    fn add_text(&mut self, s: &str) -> Span {
        let start = to_u32(self.text.len());
        self.text.push_str(s);
        Span {
            start,
            end: to_u32(self.text.len()),
        }
    }

    /// Adds a container to the pod being read; [`close_pod`](Self::close_pod) names the pod.
    pub fn push_container(&mut self, name: &str, usage: CpuMem) {
        let name = self.add_text(name);
        self.containers.push(ContainerEntry { name, usage });
    }

    /// Closes the pod whose containers were just pushed (metrics-server writes a pod's name
    /// before its containers, some servers after: either way it is named last here).
    pub fn close_pod(&mut self, namespace: &str, name: &str) {
        // Pods of one namespace come together: its name is kept once for the run of them.
        let namespace = match self.pods.last() {
            Some(last) if slice(&self.text, last.namespace) == namespace => last.namespace,
            _ => self.add_text(namespace),
        };
        let name = self.add_text(name);
        let end = to_u32(self.containers.len());
        self.pods.push(PodEntry {
            namespace,
            name,
            first: self.open_from,
            end,
        });
        self.open_from = end;
    }

    pub fn len(&self) -> usize {
        self.pods.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
    }

    fn pod(&self, entry: &PodEntry) -> PodReading<'_> {
        let containers = (self.containers)
            .get(entry.first as usize..entry.end as usize)
            .unwrap_or_default();
        PodReading {
            namespace: slice(&self.text, entry.namespace),
            name: slice(&self.text, entry.name),
            text: &self.text,
            containers,
        }
    }

    /// The pods in the reading's order (see [`sort`](Self::sort)).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = PodReading<'_>> {
        self.pods.iter().map(|entry| self.pod(entry))
    }

    /// Puts the pods in (namespace, name) order, the app's store order.
    pub fn sort(&mut self) {
        let text = &self.text;
        let key = |e: &PodEntry| (slice(text, e.namespace), slice(text, e.name));
        // metrics-server's answer is mostly in order already: checked before sorting.
        if self.pods.is_sorted_by(|a, b| key(a) <= key(b)) {
            return;
        }
        self.pods.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    }

    /// The reading as one owned value per pod, for the commands that print it.
    pub fn to_pods(&self) -> Vec<PodUsage> {
        self.iter()
            .map(|pod| PodUsage {
                namespace: pod.namespace.to_string(),
                name: pod.name.to_string(),
                containers: (pod.containers())
                    .map(|(name, usage)| (name.to_string(), usage))
                    .collect(),
            })
            .collect()
    }
}

impl FromIterator<PodUsage> for UsageReading {
    fn from_iter<I: IntoIterator<Item = PodUsage>>(pods: I) -> Self {
        let mut reading = Self::default();
        for pod in pods {
            for (name, usage) in &pod.containers {
                reading.push_container(name, *usage);
            }
            reading.close_pod(&pod.namespace, &pod.name);
        }
        reading
    }
}

impl From<Vec<PodUsage>> for UsageReading {
    fn from(pods: Vec<PodUsage>) -> Self {
        pods.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(namespace: &str, name: &str, containers: &[(&str, i64)]) -> PodUsage {
        PodUsage {
            namespace: namespace.into(),
            name: name.into(),
            containers: (containers.iter())
                .map(|(c, m)| {
                    let usage = CpuMem {
                        cpu_millis: Some(*m),
                        memory_bytes: None,
                    };
                    (c.to_string(), usage)
                })
                .collect(),
        }
    }

    #[test]
    fn a_reading_gives_back_the_pods_it_was_made_of_in_order() {
        let pods = vec![
            pod("shop", "web-2", &[("app", 1), ("proxy", 2)]),
            pod("shop", "web-1", &[]),
            pod("billing", "api", &[("app", 3)]),
            pod("shop", "web-0", &[("app", 4)]),
        ];
        let reading = UsageReading::from(pods.clone());
        assert_eq!(reading.len(), 4);
        assert_eq!(reading.to_pods(), pods);
        let mut sorted = reading.clone();
        sorted.sort();
        let mut want = pods;
        want.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        assert_eq!(sorted.to_pods(), want);
        // A namespace shared by neighbours is kept once.
        assert_eq!(reading.text.matches("shop").count(), 2);
    }

    #[test]
    fn containers_pushed_before_the_pod_is_named_are_its_own() {
        let mut reading = UsageReading::default();
        reading.push_container("a", CpuMem::default());
        reading.close_pod("n", "p");
        reading.close_pod("n", "empty");
        reading.push_container("b", CpuMem::default());
        reading.close_pod("m", "q");
        let names: Vec<(String, Vec<String>)> = (reading.iter())
            .map(|p| {
                let containers = p.containers().map(|(c, _)| c.to_string()).collect();
                (p.name.to_string(), containers)
            })
            .collect();
        assert_eq!(
            names,
            [
                ("p".into(), vec!["a".to_string()]),
                ("empty".into(), vec![]),
                ("q".into(), vec!["b".to_string()]),
            ]
        );
    }
}

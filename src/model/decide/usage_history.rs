//! Live usage samples of one container, kept in bounded memory (issue #12): a fixed-size ring
//! that halves its resolution when full, so memory does not grow with uptime and the oldest
//! samples are merged, not dropped. Merging keeps the larger value of a pair — the figures err
//! on the side of more, never less, than was used. Always reported with "since" and a count, so
//! ten minutes is never taken for two weeks.

use super::usage_figure::{decode, encode};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::usage::{Source, Usage};
use chrono::{DateTime, TimeDelta, Utc};

/// Slots per container; at a 15 s poll the ring holds 24 minutes before it first merges; 10,000 pods stay within 24 MiB.
pub const SLOTS: usize = 96;

/// One slot: the peak CPU (millicores) and memory (MiB, rounded up) of the samples it covers,
/// each in 16 bits (`usage_figure`: exact below 4,096, rounded up above).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Slot {
    cpu: u16,
    memory: u16,
}

/// One reading as taken: CPU in millicores, memory in MiB rounded up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Reading {
    cpu_millis: u32,
    memory_mib: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageHistory {
    slots: Vec<Slot>,
    /// Raw samples each slot covers (doubles on every merge).
    per_slot: u32,
    /// Raw samples in the newest slot; it takes more while below `per_slot`.
    pending: u32,
    samples: u64,
    since: DateTime<Utc>,
    /// The newest reading, exact: what the container uses now, a floor for any recommendation.
    last: Reading,
}

fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

impl UsageHistory {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            slots: Vec::with_capacity(SLOTS),
            per_slot: 1,
            pending: 0,
            samples: 0,
            since: now,
            last: Reading::default(),
        }
    }

    /// Adds one reading (millicores, bytes); values that cannot be negative are clamped.
    pub fn push(&mut self, cpu_millis: i64, memory_bytes: i64) {
        let reading = Reading {
            cpu_millis: to_u32(cpu_millis),
            memory_mib: to_u32(memory_bytes.saturating_add((1 << 20) - 1) >> 20),
        };
        let slot = Slot {
            cpu: encode(reading.cpu_millis),
            memory: encode(reading.memory_mib),
        };
        self.samples += 1;
        self.last = reading;
        if self.pending < self.per_slot
            && let Some(last) = self.slots.last_mut()
        {
            last.cpu = last.cpu.max(slot.cpu);
            last.memory = last.memory.max(slot.memory);
            self.pending += 1;
            return;
        }
        if self.slots.len() == SLOTS {
            // Every slot is full here, so pairs merge into full slots of twice the span.
            self.halve();
        }
        self.slots.push(slot);
        self.pending = 1;
    }

    /// Merges neighbouring slots pairwise: half the slots, twice the time each covers.
    fn halve(&mut self) {
        let merged: Vec<Slot> = self
            .slots
            .chunks(2)
            .map(|pair| Slot {
                cpu: pair.iter().map(|s| s.cpu).max().unwrap_or(0),
                memory: pair.iter().map(|s| s.memory).max().unwrap_or(0),
            })
            .collect();
        self.slots = merged;
        self.per_slot = self.per_slot.saturating_mul(2);
    }

    /// When the first reading was taken.
    pub fn since(&self) -> DateTime<Utc> {
        self.since
    }

    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// CPU per slot, oldest first, for a sparkline.
    pub fn cpu_series(&self) -> Vec<u64> {
        self.slots
            .iter()
            .map(|s| u64::from(decode(s.cpu)))
            .collect()
    }

    /// The figures for the recommendation rule, labelled as live samples since `since`.
    pub fn usage(&self, percentile: u8, now: DateTime<Utc>) -> Option<Usage> {
        if self.slots.is_empty() {
            return None;
        }
        // On the stack: asked for every container at every metrics reading. Two selections
        // instead of a sort: a full ring is 96 slots, and only two ranks and the peak are read.
        // Codes sort as their figures do, so the ranks are picked among codes.
        let mut values = [0u16; SLOTS];
        let cpu = &mut values[..self.slots.len().min(SLOTS)];
        for (to, from) in cpu.iter_mut().zip(&self.slots) {
            *to = from.cpu;
        }
        let peak = cpu.iter().copied().max().map(decode);
        let mut rank = |p: usize| {
            let index = (cpu.len() * p).div_ceil(100).saturating_sub(1);
            let (_, at, _) = cpu.select_nth_unstable(index.min(cpu.len() - 1));
            i64::from(decode(*at))
        };
        let (cpu_percentile, cpu_p50) = (rank(usize::from(percentile.clamp(1, 100))), rank(50));
        let memory = decode(self.slots.iter().map(|s| s.memory).max().unwrap_or(0));
        Some(Usage {
            cpu_percentile: Some(cpu_percentile),
            cpu_p50: Some(cpu_p50),
            cpu_peak: peak.map(i64::from),
            memory_peak: Some(i64::from(memory) << 20),
            samples: self.samples,
            window: (now - self.since).max(TimeDelta::zero()),
            span: Some((self.since, now.max(self.since))),
            current: CpuMem {
                cpu_millis: Some(i64::from(self.last.cpu_millis)),
                memory_bytes: Some(i64::from(self.last.memory_mib) << 20),
            },
            pods: 1,
            ..Usage::new(Source::LiveSamples { since: self.since })
        })
    }

    /// Bytes this history holds on the heap, for the memory benchmark.
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_764_300_000, 0).unwrap_or_default()
    }

    #[test]
    fn memory_stays_bounded_however_long_it_runs() {
        let mut h = UsageHistory::new(t0());
        for i in 0..100_000 {
            h.push(i % 500, 64 << 20);
        }
        assert!(h.slots.len() <= SLOTS, "{}", h.slots.len());
        assert!(h.heap_bytes() <= SLOTS * 4, "two 16-bit figures a slot");
        assert_eq!(h.samples(), 100_000);
    }

    #[test]
    fn merging_keeps_the_peaks() {
        let mut h = UsageHistory::new(t0());
        for i in 0..10_000 {
            let spike = if i == 1234 { 4_000 } else { 100 };
            h.push(spike, if i == 77 { 900 << 20 } else { 100 << 20 });
        }
        let u = h
            .usage(95, t0() + TimeDelta::hours(1))
            .unwrap_or_else(|| unreachable!());
        assert_eq!(u.cpu_peak, Some(4_000));
        assert_eq!(u.memory_peak, Some(900 << 20));
        assert_eq!(u.cpu_p50, Some(100));
        assert_eq!(u.samples, 10_000);
        assert_eq!(u.window, TimeDelta::hours(1));
        assert!(u.source.low_confidence());
    }

    #[test]
    fn ten_thousand_pods_of_full_rings_stay_within_the_budget() {
        // Issue #30: 10,000 pods at two containers each (the sim averages 1.5), every ring full.
        let mut h = UsageHistory::new(t0());
        for i in 0..(SLOTS as i64 * 4) {
            h.push(i, 1 << 30);
        }
        let per_container = h.heap_bytes() + std::mem::size_of::<UsageHistory>();
        assert!(
            per_container * 20_000 <= 24 << 20,
            "{per_container} bytes per container"
        );
    }

    #[test]
    fn ranks_are_those_of_the_sorted_slots_for_any_history() {
        // The ranks are picked by selection: they must be the sorted slots' own, whatever the
        // values, their order and the ring's length (merged or not).
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..300 {
            let mut h = UsageHistory::new(t0());
            let readings = 1 + next() % 400;
            let spread = 1 + next() % if case % 3 == 0 { 5 } else { 5_000 };
            for _ in 0..readings {
                h.push((next() % spread) as i64, 1 << 20);
            }
            let percentile = (1 + next() % 100) as u8;
            let u = h.usage(percentile, t0()).unwrap_or_else(|| unreachable!());
            let mut sorted: Vec<u32> = h.slots.iter().map(|s| decode(s.cpu)).collect();
            sorted.sort_unstable();
            let rank = |p: usize| {
                let i = (sorted.len() * p).div_ceil(100).saturating_sub(1);
                i64::from(sorted[i.min(sorted.len() - 1)])
            };
            let want = (rank(usize::from(percentile)), rank(50));
            assert_eq!((u.cpu_percentile, u.cpu_p50), (Some(want.0), Some(want.1)));
            assert_eq!(u.cpu_peak, sorted.last().map(|v| i64::from(*v)));
        }
    }

    #[test]
    fn large_figures_are_kept_rounded_up_and_what_is_used_now_exactly() {
        // 40 cores and about 68 GiB: above what 16 bits hold exactly.
        let mut h = UsageHistory::new(t0());
        h.push(40_003, 70_001 << 20);
        h.push(39_999, 69_999 << 20);
        let u = h.usage(95, t0()).unwrap_or_else(|| unreachable!());
        let (cpu, memory) = (u.cpu_peak.unwrap_or(0), u.memory_peak.unwrap_or(0) >> 20);
        assert!((40_003..=40_003 + 40_003 / 2048).contains(&cpu), "{cpu}");
        assert!(
            (70_001..=70_001 + 70_001 / 2048).contains(&memory),
            "{memory}"
        );
        assert_eq!(u.current.cpu_millis, Some(39_999));
        assert_eq!(u.current.memory_bytes, Some(69_999 << 20));
    }

    #[test]
    fn percentiles_of_a_short_history() {
        let mut h = UsageHistory::new(t0());
        // Fewer readings than slots: nothing merged, exact ranks.
        for v in 1..=50 {
            h.push(v, 1);
        }
        let u = h.usage(95, t0()).unwrap_or_else(|| unreachable!());
        assert_eq!(u.cpu_percentile, Some(48));
        assert_eq!(u.cpu_p50, Some(25));
        assert_eq!(u.memory_peak, Some(1 << 20), "rounded up to a whole MiB");
        assert!(UsageHistory::new(t0()).usage(95, t0()).is_none());
    }
}

//! Raw bytes as a pod from the API: decoding may fail, projecting and indexing never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podsize::model::{PodRow, SlimPod};

fuzz_target!(|data: &[u8]| {
    let Ok(pod) = serde_json::from_slice::<SlimPod>(data) else { return };
    let row = PodRow::from_slim(&pod);
    let _ = row.effective_requests();
    let pods = [((row.namespace.clone(), row.name.clone()), row)].into_iter().collect();
    for sort in podsize::settings::SortKey::ALL {
        let _ = podsize::app::view::build_index(&pods, &Default::default(), sort, false, None);
    }
});

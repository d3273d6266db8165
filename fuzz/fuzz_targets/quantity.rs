//! Any text: parsing never panics, and whatever parses survives a canonical round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podsize::model::ground::quantity::Quantity;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(q) = Quantity::parse(text) {
        let canonical = q.canonical();
        let again = Quantity::parse(&canonical).expect("canonical text parses");
        assert_eq!(again.nanos(), q.nanos(), "{text:?} -> {canonical:?}");
        let _ = (q.millis(), q.units());
    }
});

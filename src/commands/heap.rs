//! Gives the heap freed after a metrics reading back to the operating system.
//!
//! A reading of 10,000 pods is a few megabytes of JSON parsed on a worker thread and dropped on
//! the main one a reading later; glibc keeps such freed chunks in the worker's arena, so the
//! resident size of an idle dashboard crept up by tens of MiB within a minute although the
//! data it keeps did not grow (BENCHMARKS.md, idle at 10,000 pods). `malloc_trim` returns the
//! free pages of every arena; it costs a walk of the free lists, once per reading.

/// Keeps the allocations of every thread in one glibc arena. glibc gives each thread that
/// meets a locked arena its own, and a metrics reading parsed on a tokio worker leaves the
/// strings the app keeps in that worker's arena: at 10,000 pods the idle `watch` grew to
/// 114 MiB with an arena per thread and stayed at 94 MiB with one (BENCHMARKS.md). Called
/// before the runtime starts, for the long-running dashboard and `watch`, whose threads
/// seldom allocate at the same time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn one_arena() {
    unsafe extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    // glibc's malloc.h: M_ARENA_MAX is -8.
    const M_ARENA_MAX: std::ffi::c_int = -8;
    // SAFETY: mallopt takes no pointer and only sets a limit glibc reads when it would make
    // a new arena; it is called before any other thread exists.
    unsafe {
        mallopt(M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn one_arena() {}

/// Returns freed heap pages to the operating system where the C library can (glibc on Linux);
/// elsewhere it does nothing.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn give_back_freed() {
    unsafe extern "C" {
        fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    // SAFETY: malloc_trim takes no pointer and only rearranges glibc's own free lists; it is
    // thread-safe (each arena is locked while it is trimmed).
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back_freed() {}

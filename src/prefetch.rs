//! A hint to the processor: start loading memory that will soon be read.

/// Start loading the cache line that holds `x`, without waiting for it. The hint
/// reads nothing into the program and cannot fault; it only makes a later read of
/// `x` faster when that read comes soon enough.
#[inline(always)]
pub fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` needs SSE, which every x86_64 processor has; a
    // prefetch of any address (here a valid reference) has no effect on memory.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

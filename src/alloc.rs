//! The global allocator: the system's, with big blocks marked for transparent huge
//! pages (Linux).
//!
//! Pairing rows by id and gathering a domain's values read big arrays (hundreds of
//! MB to GB) at random places. With 4 KiB pages nearly every such read also misses
//! the TLB, and past a few GB the page tables themselves no longer fit in cache:
//! measured on 100 million rows, 118 s with 4 KiB pages against 57–73 s with huge
//! pages (docs/performance.md). The kernel gives huge pages only where asked
//! (`/sys/kernel/mm/transparent_hugepage/enabled` is `madvise` on most systems), so
//! blocks of [`HUGE`] bytes or more are advised with `madvise(MADV_HUGEPAGE)` when
//! they are allocated. The advice is a hint: where it is refused nothing changes.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this big are advised. Below, the gain is small, and a huge page
/// can cost more than it saves: with `defrag = madvise` (the kernel's default) its
/// first touch may wait for the kernel to compact memory, which a page cache full
/// of big files makes slow (measured at 10 million rows: the merge 1.7 → 3 s).
pub const HUGE: usize = 256 << 20;
const PAGE_2M: usize = 2 << 20;

/// The system allocator, advising huge pages for big blocks.
pub struct Allocator;

/// Ask for huge pages over the whole 2 MiB pages inside `len` bytes at `ptr`.
fn advise(ptr: *mut u8, len: usize) {
    #[cfg(target_os = "linux")]
    {
        let start = (ptr as usize).next_multiple_of(PAGE_2M);
        let end = (ptr as usize + len) / PAGE_2M * PAGE_2M;
        if end > start {
            // SAFETY: [start, end) lies inside a block just allocated for us;
            // madvise changes no memory contents and only hints the kernel.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, len);
}

/// Let glibc keep freed blocks of up to 32 MiB in its heap (instead of mapping
/// each anew and unmapping it when freed) and never give the heap's top back.
/// The analysis gathers and frees arrays of the same few sizes for every domain:
/// each fresh mapping costs a page fault per 4 KiB at first touch, dear in virtual
/// machines. Measured at 10M rows: 660,000 → 600,000 page faults, ≈ 0.08 s faster,
/// the peak 1.16 → 1.21 GB. Call once, first thing in `main`; a no-op off glibc.
pub fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets glibc allocator parameters; it is called before
    // any other thread exists and takes plain integers.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}

// SAFETY: every call is forwarded to `System` with the same arguments; `advise`
// only hints the kernel about memory the returned block owns.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if layout.size() >= HUGE && !p.is_null() {
            advise(p, layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if layout.size() >= HUGE && !p.is_null() {
            advise(p, layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if new_size >= HUGE && !p.is_null() {
            advise(p, new_size);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn big_blocks_work_as_usual() {
        let mut v = vec![1u64; super::HUGE / 8 + 12345];
        v[7] = 3;
        v.resize(v.len() * 2, 2);
        assert_eq!((v[7], v[8], v[v.len() - 1]), (3, 1, 2));
        let z = vec![0u8; super::HUGE + 1];
        assert!(z.iter().all(|&b| b == 0));
    }
}

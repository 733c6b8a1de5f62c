//! The global allocator: the system's for small blocks; on Linux, big blocks are
//! mappings of its own, kept for reuse when freed, and can hand their pages to
//! one another.
//!
//! * Huge pages. Pairing rows by id and gathering a domain's values read big
//!   arrays (hundreds of MB to GB) at random places. With 4 KiB pages nearly every
//!   such read also misses the TLB, and past a few GB the page tables themselves no
//!   longer fit in cache: measured on 100 million rows, 118 s with 4 KiB pages
//!   against 57–73 s with huge pages (docs/performance.md). The kernel gives huge
//!   pages only where asked (`/sys/kernel/mm/transparent_hugepage/enabled` is
//!   `madvise` on most systems), so blocks of [`HUGE`] bytes or more are advised
//!   with `madvise(MADV_HUGEPAGE)`. The advice is a hint: where it is refused
//!   nothing changes.
//! * Fewer fresh pages. Each page of a fresh mapping costs a page fault at its
//!   first touch (≈ 2 µs in the virtual machines we measured on, a quarter of the
//!   run's CPU time at 10M rows). Big blocks ([`BIG_BYTES`] or more) freed with
//!   their pages in memory are kept (up to [`KEEP_BYTES`]) and serve the next big
//!   blocks (the id table freed after pairing becomes the columns' scratch and the
//!   analysis' gathered values), and [`move_pages`] hands a block's pages to
//!   another without copying (the participant tiles become the columns).
//!   Measured at 10M rows: 600,000 → 360,000 page faults, 3.2 → 2.8 s.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this big are advised. Below, the gain is small, and a huge page
/// can cost more than it saves: with `defrag = madvise` (the kernel's default) its
/// first touch may wait for the kernel to compact memory, which a page cache full
/// of big files makes slow (measured at 10 million rows: the merge 1.7 → 3 s).
pub const HUGE: usize = 256 << 20;
#[cfg(target_os = "linux")]
const PAGE_2M: usize = 2 << 20;

/// The global allocator (see the module documentation).
pub struct Allocator;

/// Ask for huge pages over the whole 2 MiB pages inside `len` bytes at `ptr`.
#[cfg(target_os = "linux")]
fn advise(ptr: *mut u8, len: usize) {
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

/// `n` zeros, written now. For tables read before they are written (`+=`): a
/// big zeroed block is a fresh mapping, whose every page would be mapped to the
/// kernel's shared zero page at its first read and copied at its first write, a
/// second fault that also flushes the page from every core's TLB (an interrupt
/// to each). Written zeros cost one fault per page, and a block kept for reuse
/// (see [`Allocator`]) serves them. Measured on 1 million participants × 6
/// visits: the trends' tables so faulted took 0.8 s of system time
/// (docs/performance.md).
pub fn zeros<T: Copy + Default>(n: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, T::default());
    v
}

/// Let glibc keep freed blocks in its heap (instead of mapping blocks from 128 KiB
/// to 32 MiB anew each time and unmapping them when freed) and never give the
/// heap's top back. glibc serves the blocks below [`BIG_BYTES`]; the analysis
/// gathers and frees arrays of the same few sizes for every domain, and each fresh
/// page costs a page fault. Measured at 10M rows (before big blocks were kept):
/// 660,000 → 600,000 page faults, ≈ 0.08 s faster, the peak 1.16 → 1.21 GB. Call
/// once, first thing in `main`; a no-op off glibc.
pub fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets glibc allocator parameters; it is called before
    // any other thread exists and takes plain integers.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}

/// Blocks at least this big are mappings of this allocator's own, page-aligned
/// (huge ones 2 MiB-aligned), so that [`move_pages`] can hand their pages from one
/// block to another, and are kept for reuse when freed. (glibc would keep blocks
/// below 32 MiB in its heap, and map bigger ones 16 bytes past a page boundary.)
#[cfg(target_os = "linux")]
const BIG: usize = BIG_BYTES;
#[cfg(target_os = "linux")]
const PAGE: usize = PAGE_BYTES;

#[cfg(target_os = "linux")]
fn is_big(size: usize, align: usize) -> bool {
    size >= BIG && align <= PAGE
}

/// The bytes mapped for a big block of `size` bytes: whole pages, and whole 2 MiB
/// pages from [`HUGE`] bytes (so that the advice covers the whole mapping and does
/// not split it in two, which `mremap` could not resize).
#[cfg(target_os = "linux")]
fn mapped_len(size: usize) -> usize {
    if size >= HUGE {
        size.next_multiple_of(PAGE_2M)
    } else {
        size.next_multiple_of(PAGE)
    }
}

/// A fresh zeroed mapping for `size` bytes (null on failure): 2 MiB-aligned and
/// advised for huge pages from [`HUGE`] bytes.
#[cfg(target_os = "linux")]
fn map(size: usize) -> *mut u8 {
    let len = mapped_len(size);
    let extra = if size >= HUGE { PAGE_2M } else { 0 };
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing
    // touches no existing memory; the excess around the aligned part is unmapped
    // again, and only ranges of this fresh mapping are passed back.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            len + extra,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            return std::ptr::null_mut();
        }
        let p = p as usize;
        if extra == 0 {
            return p as *mut u8;
        }
        let start = p.next_multiple_of(PAGE_2M);
        if start > p {
            libc::munmap(p as *mut libc::c_void, start - p);
        }
        let tail = p + len + extra - (start + len);
        if tail > 0 {
            libc::munmap((start + len) as *mut libc::c_void, tail);
        }
        advise(start as *mut u8, len);
        start as *mut u8
    }
}

/// Freed big blocks whose pages are still in memory, kept (up to [`KEEP_BYTES`])
/// for the next big block instead of being unmapped: a fresh mapping costs a page
/// fault per 4 KiB at first touch, dear in virtual machines, while the id table
/// freed after pairing and each domain's gathered values are followed by blocks
/// of similar sizes. Blocks from [`HUGE`] bytes on are not kept (they need 2 MiB
/// alignment for huge pages); zeroed blocks are always fresh (zero for free).
#[cfg(target_os = "linux")]
struct Kept {
    blocks: [(usize, usize); KEEP_SLOTS],
    n: usize,
    bytes: usize,
}
#[cfg(target_os = "linux")]
const KEEP_SLOTS: usize = 32;
/// At most this many bytes of freed blocks are kept.
pub const KEEP_BYTES: usize = 1 << 30;
#[cfg(target_os = "linux")]
static KEPT: std::sync::Mutex<Kept> = std::sync::Mutex::new(Kept {
    blocks: [(0, 0); KEEP_SLOTS],
    n: 0,
    bytes: 0,
});

#[cfg(target_os = "linux")]
fn kept() -> std::sync::MutexGuard<'static, Kept> {
    // Nothing panics while the lock is held; a poisoned lock still holds valid data.
    KEPT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the first page at `ptr` is in memory (it was written and its pages
/// were not handed away by [`move_pages`]).
#[cfg(target_os = "linux")]
fn resident(ptr: *mut u8) -> bool {
    let mut v = [0u8; 1];
    // SAFETY: `ptr` is the page-aligned start of a mapping of ours; mincore only
    // writes one byte per page queried into `v`, which has room for one.
    let r = unsafe { libc::mincore(ptr.cast(), PAGE, v.as_mut_ptr()) };
    r == 0 && v[0] & 1 != 0
}

/// Keep the freed mapping of `len` bytes at `ptr` if it is in memory and there is
/// room; otherwise unmap it.
#[cfg(target_os = "linux")]
fn keep_or_unmap(ptr: *mut u8, len: usize) {
    if len < HUGE && resident(ptr) {
        let mut k = kept();
        if k.n < KEEP_SLOTS && k.bytes + len <= KEEP_BYTES {
            let n = k.n;
            k.blocks[n] = (ptr as usize, len);
            k.n += 1;
            k.bytes += len;
            return;
        }
    }
    // SAFETY: `ptr` starts a mapping of ours of `len` bytes that nothing uses.
    unsafe { libc::munmap(ptr.cast(), len) };
}

/// A kept block for `len` bytes (a page multiple below [`HUGE`]): the smallest
/// that is big enough, its tail kept or unmapped; else the biggest, grown.
#[cfg(target_os = "linux")]
fn take_kept(len: usize) -> Option<*mut u8> {
    let mut k = kept();
    let n = k.n;
    let fit = (0..n)
        .filter(|&i| k.blocks[i].1 >= len)
        .min_by_key(|&i| k.blocks[i].1)
        .or_else(|| (0..n).max_by_key(|&i| k.blocks[i].1))?;
    let (at, blen) = k.blocks[fit];
    k.blocks[fit] = k.blocks[n - 1];
    k.n -= 1;
    k.bytes -= blen;
    if blen >= len {
        let tail = blen - len;
        if tail >= BIG && k.n < KEEP_SLOTS {
            let n = k.n;
            k.blocks[n] = (at + len, tail);
            k.n += 1;
            k.bytes += tail;
        } else if tail > 0 {
            // SAFETY: the tail is a page-aligned part of a kept mapping that
            // nothing uses.
            unsafe { libc::munmap((at + len) as *mut libc::c_void, tail) };
        }
        return Some(at as *mut u8);
    }
    drop(k);
    // SAFETY: `at` starts a kept mapping of `blen` bytes that nothing uses; mremap
    // keeps its contents and may move it.
    let p = unsafe { libc::mremap(at as *mut libc::c_void, blen, len, libc::MREMAP_MAYMOVE) };
    if p == libc::MAP_FAILED {
        // SAFETY: as above; the mapping is unchanged when mremap fails.
        unsafe { libc::munmap(at as *mut libc::c_void, blen) };
        return None;
    }
    Some(p.cast())
}

/// Hand the pages under `src` to `dst` without copying them (Linux `mremap`); the
/// pages `dst` had are freed, and `src` reads as zeros afterwards (its range stays
/// mapped, so no other mapping can take its place). Both must start on a page
/// boundary and be the same whole number of pages long. Returns `false`, having
/// changed nothing, where that does not hold or the kernel refuses (older than
/// Linux 5.13, or another system): the caller then copies.
///
/// Turning the participant tiles into columns this way reuses the tiles' pages
/// instead of faulting in fresh ones (docs/performance.md).
pub fn move_pages(src: &mut [u8], dst: &mut [u8]) -> bool {
    #[cfg(target_os = "linux")]
    {
        let (s, d, len) = (
            src.as_mut_ptr() as usize,
            dst.as_mut_ptr() as usize,
            src.len(),
        );
        if len == 0
            || len != dst.len()
            || !len.is_multiple_of(PAGE)
            || !s.is_multiple_of(PAGE)
            || !d.is_multiple_of(PAGE)
        {
            return false;
        }
        // SAFETY: `src` and `dst` are exclusive borrows of whole pages (checked
        // above), so no other reference sees any byte of either range, and they
        // cannot overlap. MREMAP_FIXED replaces exactly `dst`'s pages with
        // `src`'s, MREMAP_DONTUNMAP leaves `src`'s range mapped (reading as
        // zeros, like fresh memory), so both borrows stay valid memory of the same
        // length; on failure the kernel changes nothing.
        let r = unsafe {
            libc::mremap(
                s as *mut libc::c_void,
                len,
                len,
                libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED | libc::MREMAP_DONTUNMAP,
                d as *mut libc::c_void,
            )
        };
        r as usize == d
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (src, dst);
        false
    }
}

/// The page size [`move_pages`] works in.
pub const PAGE_BYTES: usize = 4096;
/// Blocks from this size on are mappings of their own, page-aligned (on Linux).
pub const BIG_BYTES: usize = 4 << 20;

// SAFETY: small blocks are forwarded to `System` with the same arguments (and
// `advise` only hints the kernel). Big blocks (`is_big`, a function of the size
// and alignment alone, so a block is always freed and resized by the path that
// made it) are whole anonymous mappings of their own: page-aligned, which covers
// every alignment up to a page, zeroed, freed with `munmap` and resized with
// `mremap`, which keeps their contents.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if is_big(layout.size(), layout.align()) {
            let len = mapped_len(layout.size());
            if len < HUGE
                && let Some(p) = take_kept(len)
            {
                return p;
            }
            return map(layout.size());
        }
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if is_big(layout.size(), layout.align()) {
            // Fresh: zero for free, and untouched until written (the columns'
            // pages are handed over from the tiles, never written as zeros).
            return map(layout.size());
        }
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        #[cfg(target_os = "linux")]
        if is_big(layout.size(), layout.align()) {
            // `ptr` starts a mapping of ours of this size, which nothing uses now.
            keep_or_unmap(ptr, mapped_len(layout.size()));
            return;
        }
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        #[cfg(target_os = "linux")]
        {
            let (old_big, new_big) = (
                is_big(layout.size(), layout.align()),
                is_big(new_size, layout.align()),
            );
            if old_big && new_big {
                let (old_len, new_len) = (mapped_len(layout.size()), mapped_len(new_size));
                // SAFETY: `ptr` is the start of a mapping of `old_len` bytes made
                // by `map`; mremap keeps its contents and may move it, and changes
                // nothing when it fails.
                let p = unsafe { libc::mremap(ptr.cast(), old_len, new_len, libc::MREMAP_MAYMOVE) };
                if p != libc::MAP_FAILED {
                    if new_size >= HUGE {
                        advise(p.cast(), new_len);
                    }
                    return p.cast();
                }
                // (A mapping split by the advice cannot be resized: copied below.)
            }
            if old_big || new_big {
                // SAFETY: `layout.align()` came from a valid layout and `new_size`
                // is what the caller asks for (GlobalAlloc::realloc's contract).
                let new_layout =
                    unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
                // SAFETY: each call keeps its own contract: a new block, a copy of
                // the bytes both hold, the old block freed by its own path.
                unsafe {
                    let p = self.alloc(new_layout);
                    if !p.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    return p;
                }
            }
        }
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words in a block that is a mapping of its own.
    const WORDS: usize = BIG_BYTES / 8 + 4096;

    #[test]
    fn pages_move_and_the_source_reads_zero() {
        let mut src: Vec<u64> = (0..WORDS as u64).map(|i| i * 3 + 1).collect();
        let mut dst = vec![0u64; WORDS];
        let whole = 2 * PAGE_BYTES / 8;
        let moved = move_pages(
            bytemuck::cast_slice_mut(&mut src[whole..3 * whole]),
            bytemuck::cast_slice_mut(&mut dst[2 * whole..4 * whole]),
        );
        if cfg!(target_os = "linux") {
            assert!(moved);
            assert_eq!(dst[2 * whole], whole as u64 * 3 + 1);
            assert_eq!(dst[4 * whole - 1], (3 * whole as u64 - 1) * 3 + 1);
            assert!(src[whole..3 * whole].iter().all(|&x| x == 0));
            assert!(dst[..2 * whole].iter().all(|&x| x == 0));
            assert_eq!(src[3 * whole], 3 * whole as u64 * 3 + 1);
        }
        // Not whole pages, or not on a page boundary: nothing moves.
        let before = src[3 * whole + 1];
        assert!(!move_pages(
            bytemuck::cast_slice_mut(&mut src[3 * whole + 1..4 * whole + 1]),
            bytemuck::cast_slice_mut(&mut dst[..whole]),
        ));
        assert!(!move_pages(
            bytemuck::cast_slice_mut(&mut src[3 * whole..4 * whole - 1]),
            bytemuck::cast_slice_mut(&mut dst[..whole - 1]),
        ));
        assert_eq!(src[3 * whole + 1], before);
        assert_eq!(dst[0], 0);
    }

    #[test]
    fn kept_blocks_come_back_clean_and_apart() {
        for round in 0..3u64 {
            // Freed with its pages in memory: kept for the next big blocks.
            drop(vec![round + 11; 3 * WORDS]);
            // A zeroed block is zero even when a kept block could serve it.
            let z = vec![0u64; WORDS];
            assert!(z.iter().all(|&x| x == 0));
            // Two blocks carved from what was kept do not overlap.
            let a = vec![round + 1; WORDS];
            let b = vec![round + 2; WORDS + 513];
            assert!(a.iter().all(|&x| x == round + 1));
            assert!(b.iter().all(|&x| x == round + 2));
            // A kept block grown in place or moved keeps its contents.
            let mut c: Vec<u64> = Vec::with_capacity(WORDS);
            c.extend((0..WORDS as u64).map(|i| i ^ round));
            c.extend((0..3 * WORDS as u64).map(|i| i + round));
            assert_eq!(c[WORDS - 1], (WORDS as u64 - 1) ^ round);
            assert_eq!(c[4 * WORDS - 1], 3 * WORDS as u64 - 1 + round);
            c.truncate(WORDS / 2);
            c.shrink_to_fit();
            assert_eq!(c[WORDS / 2 - 1], (WORDS as u64 / 2 - 1) ^ round);
        }
    }
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

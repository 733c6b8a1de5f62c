//! Participants as rows arrive: one record each, found by id through an
//! open-addressing table of 8-byte slots.
//!
//! Ids are keyed by their 128-bit XXH3 hash (no string stored or compared per
//! lookup). A slot holds 32 bits of the hash and the participant's number; the full
//! hash, kept in the participant's record, settles a match. Two distinct ids share
//! a 128-bit hash with probability about n²/2¹²⁹: 4·10⁻²⁶ for five million
//! participants. Slots are 8 bytes (a `HashMap<u128, u32>` entry takes 32) and a
//! participant's key, arm, stratum, waves seen and positions share one record, so
//! meeting a participant again touches two places in memory, not five.

/// What is known of one participant while rows are read.
#[derive(Clone, Copy)]
pub(super) struct Rec {
    pub key: u128,
    /// Where the participant was seen at each wave: (source << 48) | position.
    pub at: [u64; 2],
    /// Stratum, or `NO_CODE`.
    pub stratum: u32,
    /// Cluster, or `NO_CODE`.
    pub cluster: u32,
    /// 0 intervention, 1 control.
    pub arm: u8,
    /// Bit w: a row was read at wave w (at most 32 waves).
    pub present: u32,
}

/// A slot: 32 bits of the hash (its tag), and the participant number + 1 (0 = empty).
fn slot(h: u128, pid: usize) -> u64 {
    (tag(h) << 32) | (pid as u64 + 1)
}
fn tag(h: u128) -> u64 {
    (h >> 96) as u64
}
/// The participant of a full slot.
fn pid_of(s: u64) -> usize {
    (s & 0xFFFF_FFFF) as usize - 1
}

pub(super) struct Ids {
    slots: Vec<u64>,
    pub recs: Vec<Rec>,
    mask: usize,
}

impl Ids {
    /// Room for about `n` participants (the table only when `keyed`) without growing.
    pub fn with_capacity(n: usize, keyed: bool) -> Self {
        let size = if keyed {
            (n.max(8) * 2).next_power_of_two()
        } else {
            0
        };
        Ids {
            slots: vec![0; size],
            recs: Vec::with_capacity(n),
            mask: size.saturating_sub(1),
        }
    }

    /// Bring every page of the id table into memory, written. Otherwise the
    /// merge's look-ahead reads a slot's page first (the kernel maps a shared zero
    /// page) and its insert writes it (a second fault): at 5 million
    /// participants, 64,000 faults on the merge instead of 32,000 here, while the
    /// first blocks are parsed.
    pub fn touch(&mut self) {
        for page in self.slots.chunks_mut(512) {
            if let Some(first) = page.first_mut() {
                // The table is still empty: writing its zero (opaque to the
                // compiler, so the write stays) changes nothing but the mapping.
                *first = std::hint::black_box(0);
            }
        }
    }

    fn home(&self, h: u128) -> usize {
        (h as u64 as usize) & self.mask
    }

    /// Start loading the slot a lookup of `h` reads first.
    pub fn prefetch_slot(&self, h: u128) {
        if let Some(s) = self.slots.get(self.home(h)) {
            crate::prefetch::prefetch(s);
        }
    }

    /// Start loading the record of the participant `h` likely is (the one in its
    /// home slot, when the tags match), and say who that is. A hint only: the
    /// lookup itself decides.
    pub fn prefetch_rec(&self, h: u128) -> Option<usize> {
        let s = *self.slots.get(self.home(h))?;
        if s == 0 || s >> 32 != tag(h) {
            return None;
        }
        let pid = pid_of(s);
        crate::prefetch::prefetch(self.recs.get(pid)?);
        Some(pid)
    }

    /// A new participant without an id: its number.
    pub fn push(&mut self, rec: Rec) -> usize {
        self.recs.push(rec);
        self.recs.len() - 1
    }

    /// The participant whose id hashes to `h` and `true`; or, when there is none,
    /// `fresh()` (with key `h`) added as a new participant, its number and `false`.
    pub fn get_or_insert(&mut self, h: u128, fresh: impl FnOnce() -> Rec) -> (u32, bool) {
        if (self.recs.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mut i = self.home(h);
        loop {
            let s = self.slots[i];
            if s == 0 {
                let pid = self.recs.len();
                self.slots[i] = slot(h, pid);
                self.recs.push(Rec { key: h, ..fresh() });
                return (pid as u32, false);
            }
            if s >> 32 == tag(h) {
                let pid = pid_of(s);
                if self.recs[pid].key == h {
                    return (pid as u32, true);
                }
            }
            i = (i + 1) & self.mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![0; size];
        self.mask = size - 1;
        for (pid, r) in self.recs.iter().enumerate() {
            let mut i = self.home(r.key);
            while self.slots[i] != 0 {
                i = (i + 1) & self.mask;
            }
            self.slots[i] = slot(r.key, pid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRESH: Rec = Rec {
        key: 0,
        at: [0; 2],
        stratum: 0,
        cluster: 0,
        arm: 0,
        present: 0,
    };

    #[test]
    fn finds_and_grows() {
        let mut ids = Ids::with_capacity(2, true);
        // Touching the table's pages leaves it empty.
        ids.touch();
        assert!(ids.slots.iter().all(|&s| s == 0));
        let hashes: Vec<u128> = (0..10_000u128)
            .map(|i| xxhash_rust::xxh3::xxh3_128(&i.to_le_bytes()))
            .collect();
        for (i, &h) in hashes.iter().enumerate() {
            assert_eq!(ids.get_or_insert(h, || FRESH), (i as u32, false));
        }
        for (i, &h) in hashes.iter().enumerate().rev() {
            // The hint names the participant when it sits in its home slot.
            ids.prefetch_slot(h);
            let hint = ids.prefetch_rec(h);
            assert!(hint.is_none_or(|p| p == i));
            assert_eq!(ids.get_or_insert(h, || FRESH), (i as u32, true));
            assert_eq!(ids.recs[i].key, h);
        }
        // Same low and tag bits, different hash: two participants.
        let a = 5u128 | (7u128 << 96);
        let b = a | (1u128 << 64);
        let mut ids = Ids::with_capacity(4, true);
        assert_eq!(ids.get_or_insert(a, || FRESH), (0, false));
        assert_eq!(ids.get_or_insert(b, || FRESH), (1, false));
        assert_eq!(ids.get_or_insert(b, || FRESH), (1, true));
        assert_eq!(ids.get_or_insert(a, || FRESH), (0, true));
        // Without ids, every row is a participant.
        let mut ids = Ids::with_capacity(0, false);
        ids.prefetch_slot(a);
        assert_eq!(ids.prefetch_rec(a), None);
        assert_eq!(ids.push(FRESH), 0);
        assert_eq!(ids.push(FRESH), 1);
    }
}

//! FNV-1a, 64 bits: a hash that is the same on every run, platform and Rust version (unlike
//! `std`'s `DefaultHasher`, whose algorithm may change and whose `RandomState` is seeded per
//! process). Baseline fingerprints and `--partition` shards are derived from it, so changing
//! it would silently re-fingerprint baselines and move files between shards.

/// An FNV-1a 64-bit hash being computed.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Add bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash of what was written.
    pub fn finish(self) -> u64 {
        self.0
    }
}

/// The FNV-1a 64 hash of some bytes.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}

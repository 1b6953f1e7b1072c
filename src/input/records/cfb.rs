//! A check of an OLE compound file (the container of .xls workbooks, and of encrypted .xlsx)
//! made before calamine reads it: calamine follows the sector chains of the file's allocation
//! table without noticing a chain that loops back on itself, and copies sectors until memory
//! runs out (calamine 0.38). A file whose chains loop is damaged, so it is refused up front.
//!
//! The allocation table is gathered as calamine gathers it: the 109 entries of the header's
//! DIFAT, then the DIFAT sectors (the last entry of each names the next), then each listed
//! sector's entries. Sector `n` starts at byte `(n + 1) * sector_size`.

const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

/// Whether every chain of the compound file's allocation table ends: no sector that exists in
/// the file leads, by following the table, back to itself. `bytes` is the whole file; a file
/// too damaged to tell is left to calamine, which reports it.
pub(super) fn chains_end(bytes: &[u8]) -> bool {
    let Some(header) = bytes.get(..512) else {
        return true;
    };
    let sector_size = match u16::from_le_bytes([header[30], header[31]]) {
        0x09 => 512,
        0x0C => 4096,
        _ => return true,
    };
    let sector = |id: u32| -> &[u8] {
        let start = (id as usize)
            .checked_add(1)
            .and_then(|n| n.checked_mul(sector_size));
        match start {
            Some(start) if start < bytes.len() => {
                &bytes[start..bytes.len().min(start + sector_size)]
            }
            _ => &[],
        }
    };
    let entries = |data: &[u8]| -> Vec<u32> {
        data.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    // Sectors past the end cannot be read: calamine stops there with an error.
    let max_id = bytes.len() / sector_size;

    let mut difat = entries(&header[76..512]);
    let mut next = u32::from_le_bytes([header[68], header[69], header[70], header[71]]);
    let mut difat_sectors = 0;
    while next < RESERVED {
        difat_sectors += 1;
        if difat_sectors > max_id + 1 {
            return true; // calamine refuses a DIFAT chain this long
        }
        difat.extend(entries(sector(next)));
        match difat.pop() {
            Some(id) => next = id,
            None => return true,
        }
    }
    let fat: Vec<u32> = difat
        .into_iter()
        .filter(|id| *id < DIFSECT)
        .flat_map(|id| entries(sector(id)))
        .collect();

    // Follow each chain once; a sector met again on the walk that reached it is a loop.
    const NEW: u8 = 0;
    const ON_WALK: u8 = 1;
    const DONE: u8 = 2;
    let nodes = fat.len().min(max_id + 1);
    let mut state = vec![NEW; nodes];
    let mut walk = Vec::new();
    for first in 0..nodes {
        let mut at = first;
        while state[at] == NEW {
            state[at] = ON_WALK;
            walk.push(at);
            let to = fat[at];
            if to >= RESERVED || to as usize >= nodes {
                break;
            }
            at = to as usize;
            if state[at] == ON_WALK {
                return false;
            }
        }
        for n in walk.drain(..) {
            state[n] = DONE;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compound file of 512-byte sectors whose one FAT sector (sector 0) holds `fat`.
    fn compound(fat: &[u32], sectors: usize) -> Vec<u8> {
        let mut file = vec![0u8; 512 * (sectors + 1)];
        file[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        file[30..32].copy_from_slice(&0x09u16.to_le_bytes());
        file[32..34].copy_from_slice(&0x06u16.to_le_bytes());
        file[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        for i in 0..109 {
            let id: u32 = if i == 0 { 0 } else { 0xFFFF_FFFF };
            file[76 + 4 * i..80 + 4 * i].copy_from_slice(&id.to_le_bytes());
        }
        for (i, v) in fat.iter().enumerate() {
            file[512 + 4 * i..516 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        file
    }

    #[test]
    fn chains_that_end_pass_and_loops_do_not() {
        // 0: the FAT itself; 1 → 2 → end; 3 → end.
        let good = compound(&[0xFFFF_FFFD, 2, 0xFFFF_FFFE, 0xFFFF_FFFE], 4);
        assert!(chains_end(&good));
        // 1 → 2 → 3 → 1.
        let looped = compound(&[0xFFFF_FFFD, 2, 3, 1], 4);
        assert!(!chains_end(&looped));
        // A sector that is its own successor.
        let own = compound(&[0xFFFF_FFFD, 1], 2);
        assert!(!chains_end(&own));
        // Too short or not a compound file: left to calamine.
        assert!(chains_end(b"\xD0\xCF\x11\xE0"));
    }
}

//! Reading input one line at a time.

use std::io::{self, BufRead};

/// Appends the next line of `reader` (its `\n` included, if it has one) to `out` and returns how many
/// bytes it read, 0 at the end: what `BufRead::read_until(b'\n', out)` does, with the `memchr` crate's
/// vectorised search for the line end, several times faster than the standard library's on long lines.
pub fn read_line<R: BufRead + ?Sized>(reader: &mut R, out: &mut Vec<u8>) -> io::Result<usize> {
    let mut read = 0;
    loop {
        let (done, used) = {
            let available = match reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            match memchr::memchr(b'\n', available) {
                Some(end) => {
                    out.extend_from_slice(&available[..=end]);
                    (true, end + 1)
                }
                None => {
                    out.extend_from_slice(available);
                    (available.is_empty(), available.len())
                }
            }
        };
        reader.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_as_read_until_reads_them() {
        let text = b"{\"a\":1}\n\n{\"b\":2}\r\nno end".repeat(3);
        // A buffer smaller than a line: lines span several refills.
        for capacity in [1, 3, 64] {
            let (mut ours, mut std_reader) = (io::BufReader::with_capacity(capacity, &text[..]), &text[..]);
            loop {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let (n, m) = (read_line(&mut ours, &mut a).unwrap(), std_reader.read_until(b'\n', &mut b).unwrap());
                assert_eq!((n, &a), (m, &b), "buffer of {capacity}");
                if n == 0 {
                    break;
                }
            }
        }
    }
}

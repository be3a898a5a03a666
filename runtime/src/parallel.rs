//! Mapping JSON lines on several threads: the main thread reads batches of lines and hands them out
//! in turn to workers sharing one mapper (params and lookups are loaded once), and writes their
//! results in the order of the input, so the output is the same as one thread's.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::{self, BufRead, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use maprun::input::{read_error, LineReader};
use bumpalo::Bump;
use maprun::ir::Projection;

use crate::mapped::{Mapped, Mapper, Sink};

/// A batch holds the whole lines of about this many bytes: enough work per hand-over to make it cheap,
/// little enough to keep memory small.
const BATCH_BYTES: usize = 1 << 18;

/// Lines and, once mapped, what became of them.
#[derive(Default)]
struct Batch {
    /// The lines, one after another, line ends included, and room after them (the buffer is read into
    /// in place, and kept at its size from batch to batch).
    bytes: Vec<u8>,
    /// Where each line ends in `bytes`.
    ends: Vec<usize>,
    /// The number of the first line.
    first: usize,
    mapped: Vec<Mapped>,
    /// The documents of the written records, one after another.
    rendered: String,
}

/// A worker as the main thread sees it: where batches go to it and come back from it.
type Lane = (SyncSender<Batch>, Receiver<Batch>);

/// The lines of a batch.
fn lines<'b>(bytes: &'b [u8], ends: &'b [usize]) -> impl Iterator<Item = &'b [u8]> {
    let starts = std::iter::once(0).chain(ends.iter().copied());
    starts.zip(ends).map(|(start, &end)| bytes.get(start..end).unwrap_or_default())
}

/// Maps the lines of `reader` after line `read` (those before it are mapped) with `workers` threads.
pub fn map_lines<R: BufRead, W: Write, E: Write>(
    reader: &mut R,
    read: usize,
    workers: usize,
    projection: Option<&Projection>,
    mapper: &Mapper,
    sink: &mut Sink<'_, W, E>,
) -> Result<(), String> {
    std::thread::scope(|scope| {
        let mut lanes: Vec<Lane> = Vec::new();
        for _ in 0..workers {
            let (to_worker, batches) = sync_channel::<Batch>(1);
            let (results, from_worker) = sync_channel(1);
            scope.spawn(move || work(batches, results, projection, mapper));
            lanes.push((to_worker, from_worker));
        }
        let mut spare: Vec<Batch> = Vec::new();
        // The lanes holding a batch, oldest first: results are taken in this order.
        let mut busy = VecDeque::new();
        let mut next = 0;
        let mut number = read;
        let mut end: Option<Option<io::Error>> = None;
        let mut blocks = Blocks::default();
        loop {
            if end.is_none() {
                let mut batch = spare.pop().unwrap_or_default();
                batch.first = number + 1;
                end = blocks.fill(reader, &mut batch.bytes, &mut batch.ends);
                number += batch.ends.len();
                if batch.ends.is_empty() {
                    spare.push(batch);
                } else {
                    lanes[next].0.send(batch).map_err(|_| "a mapping thread stopped".to_string())?;
                    busy.push_back(next);
                    next = (next + 1) % workers;
                }
            }
            if busy.len() == workers || (end.is_some() && !busy.is_empty()) {
                let lane = busy.pop_front().unwrap_or_default();
                let mut batch = lanes[lane].1.recv().map_err(|_| "a mapping thread stopped".to_string())?;
                for mapped in batch.mapped.drain(..) {
                    sink.put(mapped, &batch.rendered)?;
                }
                spare.push(batch);
            } else if end.is_some() {
                break;
            }
        }
        if let Some(Some(e)) = end {
            // As one thread reports it: after every line before it.
            sink.put(Mapped::input_failure(read_error(number + 1, e)), "")?;
        }
        Ok(())
    })
}

/// Reads whole lines in blocks straight into a batch's buffer, so the input is copied once (by the
/// kernel, into the buffer the worker reads), and carries a line a block ends inside to the next batch.
#[derive(Default)]
struct Blocks {
    carry: Vec<u8>,
}

impl Blocks {
    /// Fills `bytes` with about [`BATCH_BYTES`] of whole lines and `ends` with where each ends. `None`
    /// while there is more; at the end of the input `Some(None)`, or `Some(Some(error))` where reading
    /// failed (the lines before it are in the batch, the one it broke off is not).
    fn fill<R: BufRead>(&mut self, reader: &mut R, bytes: &mut Vec<u8>, ends: &mut Vec<usize>) -> Option<Option<io::Error>> {
        ends.clear();
        let mut filled = self.carry.len();
        if bytes.len() < filled + BATCH_BYTES {
            bytes.resize(filled + BATCH_BYTES, 0);
        }
        bytes[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut scanned = 0;
        let end = loop {
            ends.extend(memchr::memchr_iter(b'\n', &bytes[scanned..filled]).map(|at| scanned + at + 1));
            scanned = filled;
            if filled >= BATCH_BYTES && !ends.is_empty() {
                break None;
            }
            if bytes.len() - filled < BATCH_BYTES / 2 {
                // A line longer than the buffer: room for more of it.
                bytes.resize(bytes.len() + BATCH_BYTES, 0);
            }
            match reader.read(&mut bytes[filled..]) {
                Ok(0) => {
                    // A last line without a line end is a line.
                    if ends.last().map_or(0, |&e| e) < filled {
                        ends.push(filled);
                    }
                    break Some(None);
                }
                Ok(read) => filled += read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Some(Some(e)),
            }
        };
        if end.is_none() {
            let last = ends.last().copied().unwrap_or(0);
            self.carry.extend_from_slice(&bytes[last..filled]);
        }
        end
    }
}

/// A worker: maps each batch it is given and hands it back.
fn work(batches: Receiver<Batch>, results: SyncSender<Batch>, projection: Option<&Projection>, mapper: &Mapper) {
    let mut reader = LineReader::new(projection);
    let mut arena = Bump::new();
    for mut batch in batches {
        let Batch { bytes, ends, first, mapped, rendered } = &mut batch;
        mapped.clear();
        rendered.clear();
        for (i, line) in lines(bytes, ends).enumerate() {
            // Only the first line of the input is ever read on from (and it is not in a batch).
            let _ = reader.line(line, *first + i, &mut io::empty(), &mut |record| {
                mapped.push(mapper.map(record, rendered, &mut arena));
                Ok::<(), Infallible>(())
            });
        }
        if results.send(batch).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapped::Summary;
    use maprun::ir::Program;
    use maprun::writers::econnect::XmlOptions;

    /// `key id`, `name -> NAME` (a string of at most 5 characters), written as JSON bodies.
    const PROGRAM: &str = r#"{"ir_version": 1, "name": "t", "source": "brightpearl.Order",
        "target": {"type": "x.Y", "format": "json", "element": "Y",
                   "nodes": [{"name": "Y", "fields": [{"name": "NAME", "kind": "value", "type": "string", "length": 5}]}]},
        "params": [], "lookups": [], "tables": [],
        "key": {"field": {"of": "input", "name": "id", "type": "int", "presence": "required"}},
        "locals": 0,
        "projection": {"fields": {"id": {"all": true}, "name": {"all": true}}},
        "body": [{"set": {"field": 0, "value": {"field": {"of": "input", "name": "name", "type": "string", "presence": "required"}}}}]}"#;

    /// What one thread writes for `input`, and what `workers` threads write.
    fn outputs(program: &Program, input: &[u8], workers: usize) -> (Vec<u8>, Vec<u8>) {
        outputs_of(program, || input, workers)
    }

    /// [`outputs`] of what `reader` gives (made anew for each run).
    fn outputs_of<R: BufRead>(program: &Program, reader: impl Fn() -> R, workers: usize) -> (Vec<u8>, Vec<u8>) {
        let mapper = Mapper::new(program, maprun::env::build(program, &[], &[]).unwrap(), XmlOptions::default(), false);
        let sink = || Sink { out: Vec::new(), errors: Vec::new(), out_dir: None, program, summary: Summary::default() };
        let mut one = sink();
        let (mut rendered, mut arena) = (String::new(), Bump::new());
        maprun::input::stream(reader(), program.projection.as_ref(), |record| {
            rendered.clear();
            let mapped = mapper.map(record, &mut rendered, &mut arena);
            one.put(mapped, &rendered)
        })
        .unwrap();
        one.finish().unwrap();
        let mut many = sink();
        let mut reader = reader();
        map_lines(&mut reader, 0, workers, program.projection.as_ref(), &mapper, &mut many).unwrap();
        many.finish().unwrap();
        assert_eq!(String::from_utf8_lossy(&one.errors), String::from_utf8_lossy(&many.errors));
        (one.out, many.out)
    }

    #[test]
    fn several_threads_write_what_one_writes_in_the_same_order() {
        let program = Program::from_json(PROGRAM).unwrap();
        let mut input = Vec::new();
        for i in 0..1000 {
            match i % 10 {
                3 => input.extend_from_slice(format!("{{\"id\": {i}, \"name\": \"too long\"}}\n").as_bytes()),
                5 => input.extend_from_slice(b"\n"),
                6 => input.extend_from_slice(b"{\"id\": \"\xff\"}\n"),
                7 => input.extend_from_slice(b"{\"id\": 1,\n"),
                8 => input.extend_from_slice(
                    format!("{{\"response\": [{{\"id\": {i}, \"name\": \"r\"}}, {{\"id\": {i}}}]}}\n").as_bytes(),
                ),
                _ => input.extend_from_slice(format!("{{\"id\": {i}, \"name\": \"n{}\"}}\n", i % 997).as_bytes()),
            }
        }
        for workers in [1, 2, 3] {
            let (one, many) = outputs(&program, &input, workers);
            assert!(!one.is_empty());
            assert_eq!(String::from_utf8_lossy(&one), String::from_utf8_lossy(&many), "{workers} workers");
        }
        let (one, many) = outputs(&program, b"", 2);
        assert_eq!((one.len(), many.len()), (0, 0));
    }

    #[test]
    fn lines_longer_than_a_batch_and_a_last_line_without_an_end_are_lines() {
        let program = Program::from_json(PROGRAM).unwrap();
        let long = "x".repeat(3 * BATCH_BYTES);
        let mut input = Vec::new();
        for i in 0..300 {
            let name = if i % 100 == 7 { long.as_str() } else { "ok" };
            input.extend_from_slice(format!("{{\"id\": {i}, \"name\": \"{name}\"}}\n").as_bytes());
        }
        input.extend_from_slice(b"{\"id\": 300, \"name\": \"last\"}");
        for workers in [2, 3] {
            let (one, many) = outputs(&program, &input, workers);
            assert_eq!(String::from_utf8_lossy(&one), String::from_utf8_lossy(&many), "{workers} workers");
            assert!(String::from_utf8_lossy(&many).contains("\"last\""), "the last line is mapped");
        }
    }

    /// Gives `data` a few bytes at a time, then fails.
    struct Failing {
        data: Vec<u8>,
        at: usize,
    }

    impl io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return Err(io::Error::other("the disk went away"));
            }
            let n = buf.len().min(1000).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_comes_after_every_line_before_it() {
        let program = Program::from_json(PROGRAM).unwrap();
        let mut data = Vec::new();
        for i in 0..2000 {
            data.extend_from_slice(format!("{{\"id\": {i}, \"name\": \"n{}\"}}\n", i % 7).as_bytes());
        }
        // The error breaks off a line.
        data.extend_from_slice(b"{\"id\": 2000, \"na");
        let failing = || io::BufReader::new(Failing { data: data.clone(), at: 0 });
        for workers in [2, 3] {
            let (one, many) = outputs_of(&program, failing, workers);
            assert_eq!(String::from_utf8_lossy(&one), String::from_utf8_lossy(&many), "{workers} workers");
        }
    }
}

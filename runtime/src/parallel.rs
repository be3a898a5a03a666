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

/// A batch holds this many lines at most, or about this many bytes: enough work per hand-over to make
/// it cheap, little enough to keep memory small.
const BATCH_LINES: usize = 64;
const BATCH_BYTES: usize = 1 << 18;

/// Lines and, once mapped, what became of them.
#[derive(Default)]
struct Batch {
    /// The lines, one after another, line ends included.
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
        loop {
            if end.is_none() {
                let mut batch = spare.pop().unwrap_or_default();
                batch.bytes.clear();
                batch.ends.clear();
                batch.first = number + 1;
                while batch.ends.len() < BATCH_LINES && batch.bytes.len() < BATCH_BYTES {
                    match maprun::lines::read_line(reader, &mut batch.bytes) {
                        Ok(0) => {
                            end = Some(None);
                            break;
                        }
                        Ok(_) => {
                            number += 1;
                            batch.ends.push(batch.bytes.len());
                        }
                        Err(e) => {
                            end = Some(Some(e));
                            break;
                        }
                    }
                }
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
        let mapper = Mapper::new(program, maprun::env::build(program, &[], &[]).unwrap(), XmlOptions::default(), false);
        let sink = || Sink { out: Vec::new(), errors: Vec::new(), out_dir: None, program, summary: Summary::default() };
        let mut one = sink();
        let (mut rendered, mut arena) = (String::new(), Bump::new());
        maprun::input::stream(input, program.projection.as_ref(), |record| {
            rendered.clear();
            let mapped = mapper.map(record, &mut rendered, &mut arena);
            one.put(mapped, &rendered)
        })
        .unwrap();
        one.finish().unwrap();
        let mut many = sink();
        let mut reader = input;
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
}

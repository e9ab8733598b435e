//! An interactive shell in a container, through the engine's exec API with a TTY.
//!
//! The UI steps aside (main screen, cursor shown, mouse released) and the container's TTY
//! gets the terminal: keys from the same event stream the UI uses are turned back into the
//! bytes a terminal would send, so nothing else reads stdin behind crossterm's back, and
//! resizes are forwarded. Afterwards the UI takes the screen back and redraws; raw mode is
//! restored on every path, errors included.
//!
//! The user can always get out: the detach keys (`ctrl-p ctrl-q` by default, like docker's;
//! `detach_keys` in the config) leave the shell without ending it, and cancel a shell that
//! is still starting. Every engine call of the hand-over has a deadline, and so do writes
//! and resizes during the session, so a frozen engine cannot hold the terminal.

use std::io::Write;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, event, execute, terminal};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::io::AsyncWriteExt;
use tokio::time::timeout;
use wharf_core::engine::{Engine, ExecSpec};
use wharf_core::model::ContainerId;

use crate::keymap::{DetachKeys, Key};

/// How long creating, starting and attaching the exec may take.
pub const HANDOVER: Duration = Duration::from_secs(10);
/// How long one write of typed keys, one resize or the final exit-code query may take.
const IO: Duration = Duration::from_secs(5);

/// Terminal events, read by a task of the run loop; the shell reads the same stream.
pub use crate::input::Events;

/// What a typed key does in a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// Bytes for the shell (empty when nothing is to be sent).
    Send(Vec<u8>),
    /// Part of the detach sequence so far: held back.
    Held,
    /// The whole detach sequence: leave the shell.
    Detach,
}

/// Watches typed keys for the detach sequence. Keys that begin it are held back; when the
/// sequence breaks, they go to the shell after all (as docker does), so a lone `ctrl-p`
/// still reaches the shell's history search.
#[derive(Debug)]
pub struct DetachMatcher<'a> {
    keys: &'a DetachKeys,
    held: Vec<KeyEvent>,
}

impl<'a> DetachMatcher<'a> {
    pub fn new(keys: &'a DetachKeys) -> Self {
        DetachMatcher {
            keys,
            held: Vec::new(),
        }
    }

    pub fn feed(&mut self, k: &KeyEvent) -> Typed {
        let key = Key::from_event(k);
        if self.keys.keys().get(self.held.len()) == Some(&key) {
            self.held.push(*k);
            if self.held.len() == self.keys.keys().len() {
                self.held.clear();
                return Typed::Detach;
            }
            return Typed::Held;
        }
        let mut out: Vec<u8> = self.held.drain(..).flat_map(|h| key_bytes(&h)).collect();
        if self.keys.keys().first() == Some(&key) {
            // The sequence starts again with this key.
            if self.keys.keys().len() == 1 {
                return Typed::Detach;
            }
            self.held.push(*k);
        } else {
            out.extend(key_bytes(k));
        }
        Typed::Send(out)
    }
}

/// The bytes a terminal sends for a key.
pub fn key_bytes(k: &KeyEvent) -> Vec<u8> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    let mut out = Vec::new();
    if alt {
        out.push(0x1b);
    }
    match k.code {
        KeyCode::Char(c) if ctrl => {
            let c = c.to_ascii_lowercase();
            match c {
                'a'..='z' => out.push(c as u8 - b'a' + 1),
                '@' | ' ' => out.push(0),
                '[' => out.push(0x1b),
                '\\' => out.push(0x1c),
                ']' => out.push(0x1d),
                _ => {}
            }
        }
        KeyCode::Char(c) => {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        KeyCode::Enter => out.push(b'\r'),
        KeyCode::Tab => out.push(b'\t'),
        KeyCode::BackTab => out.extend_from_slice(b"\x1b[Z"),
        KeyCode::Backspace => out.push(0x7f),
        KeyCode::Esc => out.push(0x1b),
        KeyCode::Up => out.extend_from_slice(b"\x1b[A"),
        KeyCode::Down => out.extend_from_slice(b"\x1b[B"),
        KeyCode::Right => out.extend_from_slice(b"\x1b[C"),
        KeyCode::Left => out.extend_from_slice(b"\x1b[D"),
        KeyCode::Home => out.extend_from_slice(b"\x1b[H"),
        KeyCode::End => out.extend_from_slice(b"\x1b[F"),
        KeyCode::PageUp => out.extend_from_slice(b"\x1b[5~"),
        KeyCode::PageDown => out.extend_from_slice(b"\x1b[6~"),
        KeyCode::Delete => out.extend_from_slice(b"\x1b[3~"),
        KeyCode::Insert => out.extend_from_slice(b"\x1b[2~"),
        KeyCode::F(n @ 1..=4) => out.extend_from_slice(&[0x1b, b'O', b'P' + n - 1]),
        KeyCode::F(n @ 5..=12) => {
            let code = [15, 17, 18, 19, 20, 21, 23, 24][(n - 5) as usize];
            out.extend_from_slice(format!("\x1b[{code}~").as_bytes());
        }
        _ => {}
    }
    out
}

fn leave(mouse: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout();
    if mouse {
        execute!(out, event::DisableMouseCapture)?;
    }
    execute!(out, terminal::LeaveAlternateScreen, cursor::Show)
}

fn enter(term: &mut DefaultTerminal, mouse: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout();
    execute!(
        out,
        terminal::EnterAlternateScreen,
        cursor::Hide,
        terminal::Clear(terminal::ClearType::All)
    )?;
    if mouse {
        execute!(out, event::EnableMouseCapture)?;
    }
    terminal::enable_raw_mode()?;
    // `Terminal::clear` asks the terminal for the cursor position and waits for the answer
    // on stdin, which the event stream reads first. Instead, draw a frame that differs from
    // any real one in every cell, so the next draw repaints the whole screen.
    term.draw(|f| {
        for cell in f.buffer_mut().content.iter_mut() {
            cell.set_symbol("\u{2800}");
        }
    })?;
    Ok(())
}

pub async fn run(
    term: &mut DefaultTerminal,
    events: &mut Events,
    engine: &Engine,
    id: &ContainerId,
    cmd: Vec<String>,
    detach: &DetachKeys,
    mouse: bool,
) -> Result<String, String> {
    leave(mouse).map_err(|e| e.to_string())?;
    let result = session(events, engine, id, cmd, detach).await;
    // Take the screen back whatever happened in the session.
    enter(term, mouse).map_err(|e| e.to_string())?;
    result
}

async fn session(
    events: &mut Events,
    engine: &Engine,
    id: &ContainerId,
    cmd: Vec<String>,
    detach: &DetachKeys,
) -> Result<String, String> {
    let spec = ExecSpec {
        cmd,
        ..ExecSpec::shell()
    };
    let mut out = std::io::stdout();
    // Best effort: a failed banner write must not stop the shell.
    let _ = write!(
        out,
        "\r\nwharf: shell in {} — detach: {}; exit the shell to return\r\n",
        id.short(),
        detach.describe()
    );
    let _ = out.flush();
    let mut matcher = DetachMatcher::new(detach);
    // Keys typed while the shell starts go to it once it runs; the detach keys cancel.
    let mut early = Vec::new();
    let start = timeout(HANDOVER, engine.exec(id.as_str(), &spec));
    tokio::pin!(start);
    let late = || {
        format!(
            "the engine did not start the shell within {} s (is it responding?)",
            HANDOVER.as_secs()
        )
    };
    let mut s = loop {
        tokio::select! {
            r = &mut start => match r {
                Ok(Ok(s)) => break s,
                // The core's own request deadline (as long as the hand-over's) may run out
                // first: the same frozen engine, so the same message.
                Ok(Err(e)) if wharf_core::engine::is_timeout(&e) => return Err(late()),
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => return Err(late()),
            },
            ev = events.recv() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    match matcher.feed(&k) {
                        Typed::Detach => return Ok("shell cancelled before it started".into()),
                        Typed::Send(b) => early.extend(b),
                        Typed::Held => {}
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.to_string()),
                None => return Err("the terminal closed".into()),
            },
        }
    };
    let stalled = || {
        format!(
            "left the shell: the engine took no input for {} s (is it responding?)",
            IO.as_secs()
        )
    };
    if !early.is_empty() {
        send(&mut s.input, &early).await.map_err(|()| stalled())?;
    }
    let (mut w, mut h) = terminal::size().map_err(|e| e.to_string())?;
    resize(engine, &s.id, w, h).await;
    let mut size_check = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            chunk = s.output.next() => match chunk {
                Some(Ok(c)) => {
                    out.write_all(&c.bytes).and_then(|()| out.flush()).map_err(|e| e.to_string())?;
                }
                Some(Err(e)) => return Err(e.to_string()),
                None => break,
            },
            ev = events.recv() => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    match matcher.feed(&k) {
                        Typed::Detach => {
                            return Ok(format!(
                                "detached from the shell in {} (it may still run there)",
                                id.short()
                            ))
                        }
                        Typed::Send(bytes) if !bytes.is_empty() => {
                            send(&mut s.input, &bytes).await.map_err(|()| stalled())?;
                        }
                        Typed::Send(_) | Typed::Held => {}
                    }
                }
                Some(Ok(Event::Paste(text))) => {
                    send(&mut s.input, text.as_bytes()).await.map_err(|()| stalled())?;
                }
                Some(Ok(Event::Resize(nw, nh))) => {
                    (w, h) = (nw, nh);
                    resize(engine, &s.id, w, h).await;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.to_string()),
                None => break,
            },
            _ = size_check.tick() => {
                // Some terminals deliver no resize event while the app is not drawing.
                if let Ok((nw, nh)) = terminal::size() {
                    if (nw, nh) != (w, h) {
                        (w, h) = (nw, nh);
                        resize(engine, &s.id, w, h).await;
                    }
                }
            }
        }
    }
    let code = match timeout(IO, engine.exec_exit_code(&s.id)).await {
        Ok(r) => r.map_err(|e| e.to_string())?,
        Err(_) => return Ok("shell closed (the engine did not say how)".into()),
    };
    Ok(match code {
        Some(0) | None => "shell closed".to_owned(),
        Some(c) => format!("shell exited with code {c}"),
    })
}

/// Writes typed bytes to the shell; `Err` when the engine takes none for [`IO`].
async fn send(
    input: &mut (impl tokio::io::AsyncWrite + Unpin + ?Sized),
    bytes: &[u8],
) -> Result<(), ()> {
    match timeout(IO, async {
        input.write_all(bytes).await?;
        input.flush().await
    })
    .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "exec input write failed");
            Err(())
        }
        Err(_) => Err(()),
    }
}

/// Tells the shell's TTY its size; a failure or a slow engine only leaves the size stale.
async fn resize(engine: &Engine, exec_id: &str, w: u16, h: u16) {
    match timeout(IO, engine.resize_exec(exec_id, w, h)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(error = %e, "exec resize failed"),
        Err(_) => tracing::debug!("exec resize timed out"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_terminal_bytes() {
        let k = |c, m| key_bytes(&KeyEvent::new(c, m));
        assert_eq!(k(KeyCode::Char('a'), KeyModifiers::NONE), b"a");
        assert_eq!(k(KeyCode::Char('é'), KeyModifiers::NONE), "é".as_bytes());
        assert_eq!(k(KeyCode::Char('c'), KeyModifiers::CONTROL), vec![3]);
        assert_eq!(k(KeyCode::Char('d'), KeyModifiers::CONTROL), vec![4]);
        assert_eq!(k(KeyCode::Enter, KeyModifiers::NONE), b"\r");
        assert_eq!(k(KeyCode::Up, KeyModifiers::NONE), b"\x1b[A");
        assert_eq!(k(KeyCode::Char('x'), KeyModifiers::ALT), b"\x1bx");
        assert_eq!(k(KeyCode::F(5), KeyModifiers::NONE), b"\x1b[15~");
    }

    fn ev(c: char, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), m)
    }

    #[test]
    fn the_detach_sequence_leaves_and_broken_sequences_reach_the_shell() {
        let keys = DetachKeys::default();
        assert_eq!(keys.describe(), "ctrl-p ctrl-q");
        let ctrl = KeyModifiers::CONTROL;
        let mut m = DetachMatcher::new(&keys);
        assert_eq!(
            m.feed(&ev('l', KeyModifiers::NONE)),
            Typed::Send(b"l".to_vec())
        );
        assert_eq!(m.feed(&ev('p', ctrl)), Typed::Held);
        assert_eq!(m.feed(&ev('q', ctrl)), Typed::Detach);
        // A lone ctrl-p reaches the shell once the next key shows it is not a detach.
        assert_eq!(m.feed(&ev('p', ctrl)), Typed::Held);
        assert_eq!(
            m.feed(&ev('x', KeyModifiers::NONE)),
            Typed::Send(vec![0x10, b'x'])
        );
        // ctrl-p ctrl-p ctrl-q: the first goes through, the last two detach.
        assert_eq!(m.feed(&ev('p', ctrl)), Typed::Held);
        assert_eq!(m.feed(&ev('p', ctrl)), Typed::Send(vec![0x10]));
        assert_eq!(m.feed(&ev('q', ctrl)), Typed::Detach);
    }

    #[test]
    fn detach_keys_come_from_the_config() {
        let keys = DetachKeys::parse(&["ctrl-]".to_owned()]).unwrap_or_default();
        assert_eq!(keys.describe(), "ctrl-]");
        let mut m = DetachMatcher::new(&keys);
        assert_eq!(m.feed(&ev(']', KeyModifiers::CONTROL)), Typed::Detach);
        assert!(DetachKeys::parse(&[]).is_err());
        assert!(DetachKeys::parse(&["hyper-x".to_owned()]).is_err());
    }
}

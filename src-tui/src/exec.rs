//! An interactive shell in a container, through the engine's exec API with a TTY.
//!
//! The UI steps aside (main screen, cursor shown, mouse released) and the container's TTY
//! gets the terminal: keys from the same event stream the UI uses are turned back into the
//! bytes a terminal would send, so nothing else reads stdin behind crossterm's back, and
//! resizes are forwarded. Afterwards the UI takes the screen back and redraws; raw mode is
//! restored on every path, errors included.

use std::io::Write;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, event, execute, terminal};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::io::AsyncWriteExt;
use wharf_core::engine::{Engine, ExecSpec};
use wharf_core::model::ContainerId;

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
    events: &mut crate::run::Events,
    engine: &Engine,
    id: &ContainerId,
    cmd: Vec<String>,
) -> Result<String, String> {
    let mouse = crate::MOUSE.load(std::sync::atomic::Ordering::Relaxed);
    leave(mouse).map_err(|e| e.to_string())?;
    let result = session(events, engine, id, cmd).await;
    // Take the screen back whatever happened in the session.
    enter(term, mouse).map_err(|e| e.to_string())?;
    result
}

async fn session(
    events: &mut crate::run::Events,
    engine: &Engine,
    id: &ContainerId,
    cmd: Vec<String>,
) -> Result<String, String> {
    let spec = ExecSpec {
        cmd,
        ..ExecSpec::shell()
    };
    let mut out = std::io::stdout();
    // Best effort: a failed banner write must not stop the shell.
    let _ = write!(
        out,
        "\r\nwharf: shell in {} — exit the shell to return\r\n",
        id.short()
    );
    let _ = out.flush();
    let mut s = engine
        .exec(id.as_str(), &spec)
        .await
        .map_err(|e| e.to_string())?;
    let (mut w, mut h) = terminal::size().map_err(|e| e.to_string())?;
    if let Err(e) = engine.resize_exec(&s.id, w, h).await {
        tracing::debug!(error = %e, "first exec resize failed");
    }
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
                    let bytes = key_bytes(&k);
                    if !bytes.is_empty() {
                        s.input.write_all(&bytes).await.map_err(|e| e.to_string())?;
                        s.input.flush().await.map_err(|e| e.to_string())?;
                    }
                }
                Some(Ok(Event::Paste(text))) => {
                    s.input.write_all(text.as_bytes()).await.map_err(|e| e.to_string())?;
                }
                Some(Ok(Event::Resize(nw, nh))) => {
                    (w, h) = (nw, nh);
                    if let Err(e) = engine.resize_exec(&s.id, w, h).await {
                        tracing::debug!(error = %e, "exec resize failed");
                    }
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
                        if let Err(e) = engine.resize_exec(&s.id, w, h).await {
                            tracing::debug!(error = %e, "exec resize failed");
                        }
                    }
                }
            }
        }
    }
    let code = engine
        .exec_exit_code(&s.id)
        .await
        .map_err(|e| e.to_string())?;
    Ok(match code {
        Some(0) | None => "shell closed".to_owned(),
        Some(c) => format!("shell exited with code {c}"),
    })
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
}

//! Terminal set-up and the guarantee that it is restored: on return, on panic
//! (ratatui's hook), and on SIGTERM/SIGHUP/SIGINT (the event loop exits cleanly).

use ratatui::DefaultTerminal;
use std::io::Write;

/// Enters raw mode and the alternate screen; the panic hook restores both.
pub fn enter() -> DefaultTerminal {
    ratatui::init()
}

/// Leaves raw mode and the alternate screen. Safe to call more than once.
pub fn leave() {
    ratatui::restore();
    let _ = std::io::stdout().flush();
}

/// Resolves when the process is asked to stop by a signal.
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Draws one frame inside a synchronized update, so terminals never show half a frame.
pub fn draw_synchronized(
    terminal: &mut DefaultTerminal,
    render: impl FnOnce(&mut ratatui::Frame),
) -> std::io::Result<()> {
    use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    crossterm::execute!(std::io::stdout(), BeginSynchronizedUpdate)?;
    let result = terminal.draw(render).map(|_| ());
    crossterm::execute!(std::io::stdout(), EndSynchronizedUpdate)?;
    result
}

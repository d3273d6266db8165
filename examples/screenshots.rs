//! Writes the README's screenshots: the real widgets, drawn into ratatui's buffer from a
//! simulated cluster with a fixed seed, then rasterised cell by cell into PNG files.
//!
//!     cargo run --example screenshots            # writes screenshots/*.png
//!
//! Needs the DejaVu Sans Mono font (Debian: fonts-dejavu-core).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use chrono::{DateTime, TimeDelta, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::cluster::watch::{watch_nodes, watch_pods};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::settings::InitialList;
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use simcluster::{Identity, SimCluster, SimConfig};
use std::time::Duration;

const FONT_DIR: &str = "/usr/share/fonts/truetype/dejavu";
const CELL_W: u32 = 10;
const CELL_H: u32 = 20;
const FONT_PX: f32 = 16.0;

/// The terminal's own colours, used where a style says `Reset`.
struct Palette {
    fg: [u8; 3],
    bg: [u8; 3],
}

const DARK: Palette = Palette {
    fg: [0xd4, 0xd4, 0xd4],
    bg: [0x1c, 0x1c, 0x1c],
};
const LIGHT: Palette = Palette {
    fg: [0x20, 0x20, 0x20],
    bg: [0xfa, 0xfa, 0xf7],
};

fn ansi16(i: u8) -> [u8; 3] {
    const TABLE: [[u8; 3]; 16] = [
        [0x00, 0x00, 0x00],
        [0xcd, 0x31, 0x31],
        [0x0d, 0xbc, 0x79],
        [0xe5, 0xe5, 0x10],
        [0x24, 0x72, 0xc8],
        [0xbc, 0x3f, 0xbc],
        [0x11, 0xa8, 0xcd],
        [0xe5, 0xe5, 0xe5],
        [0x66, 0x66, 0x66],
        [0xf1, 0x4c, 0x4c],
        [0x23, 0xd1, 0x8b],
        [0xf5, 0xf5, 0x43],
        [0x3b, 0x8e, 0xea],
        [0xd6, 0x70, 0xd6],
        [0x29, 0xb8, 0xdb],
        [0xff, 0xff, 0xff],
    ];
    TABLE[usize::from(i % 16)]
}

fn indexed(i: u8) -> [u8; 3] {
    match i {
        0..=15 => ansi16(i),
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            [level(i / 36), level((i / 6) % 6), level(i % 6)]
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            [v, v, v]
        }
    }
}

fn rgb(color: Color, default: [u8; 3]) -> [u8; 3] {
    match color {
        Color::Reset => default,
        Color::Black => ansi16(0),
        Color::Red => ansi16(1),
        Color::Green => ansi16(2),
        Color::Yellow => ansi16(3),
        Color::Blue => ansi16(4),
        Color::Magenta => ansi16(5),
        Color::Cyan => ansi16(6),
        Color::Gray => ansi16(7),
        Color::DarkGray => ansi16(8),
        Color::LightRed => ansi16(9),
        Color::LightGreen => ansi16(10),
        Color::LightYellow => ansi16(11),
        Color::LightBlue => ansi16(12),
        Color::LightMagenta => ansi16(13),
        Color::LightCyan => ansi16(14),
        Color::White => ansi16(15),
        Color::Indexed(i) => indexed(i),
        Color::Rgb(r, g, b) => [r, g, b],
    }
}

struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    /// For symbols the monospace font lacks (⟳, ⏸).
    fallback: FontRef<'static>,
}

fn load_fonts() -> Fonts {
    let read = |name: &str| -> &'static [u8] {
        let path = format!("{FONT_DIR}/{name}");
        Box::leak(
            std::fs::read(&path)
                .unwrap_or_else(|e| panic!("{path}: {e} (install fonts-dejavu-core)"))
                .into_boxed_slice(),
        )
    };
    Fonts {
        regular: FontRef::try_from_slice(read("DejaVuSansMono.ttf")).unwrap(),
        bold: FontRef::try_from_slice(read("DejaVuSansMono-Bold.ttf")).unwrap(),
        fallback: FontRef::try_from_slice(read("DejaVuSans.ttf")).unwrap(),
    }
}

/// Draws every cell of `buffer`: background, glyph, underline.
fn rasterise(buffer: &Buffer, fonts: &Fonts, palette: &Palette) -> (u32, u32, Vec<u8>) {
    let (cols, rows) = (u32::from(buffer.area.width), u32::from(buffer.area.height));
    let (w, h) = (cols * CELL_W, rows * CELL_H);
    let mut pixels = vec![0u8; (w * h * 3) as usize];
    for y in 0..rows {
        for x in 0..cols {
            let cell = &buffer[(x as u16, y as u16)];
            let mut fg = rgb(cell.fg, palette.fg);
            let mut bg = rgb(cell.bg, palette.bg);
            if cell.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            if cell.modifier.contains(Modifier::DIM) {
                fg = [0, 1, 2].map(|i| ((u16::from(fg[i]) + u16::from(bg[i])) / 2) as u8);
            }
            for py in 0..CELL_H {
                for px in 0..CELL_W {
                    let at = (((y * CELL_H + py) * w + x * CELL_W + px) * 3) as usize;
                    pixels[at..at + 3].copy_from_slice(&bg);
                }
            }
            let Some(ch) = cell.symbol().chars().next().filter(|c| *c != ' ') else {
                continue;
            };
            let preferred = if cell.modifier.contains(Modifier::BOLD) {
                &fonts.bold
            } else {
                &fonts.regular
            };
            let font = if preferred.glyph_id(ch).0 == 0 {
                &fonts.fallback
            } else {
                preferred
            };
            let scaled = font.as_scaled(PxScale::from(FONT_PX));
            let glyph = scaled.scaled_glyph(ch);
            let Some(outline) = font.outline_glyph(ab_glyph::Glyph {
                position: ab_glyph::point(
                    (x * CELL_W) as f32,
                    (y * CELL_H) as f32 + scaled.ascent() + 1.0,
                ),
                ..glyph
            }) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if px < 0 || py < 0 || px >= i64::from(w) || py >= i64::from(h) {
                    return;
                }
                let at = ((py as u32 * w + px as u32) * 3) as usize;
                for i in 0..3 {
                    let under = f32::from(pixels[at + i]);
                    pixels[at + i] = (under + (f32::from(fg[i]) - under) * coverage.min(1.0)) as u8;
                }
            });
            if cell.modifier.contains(Modifier::UNDERLINED) {
                let py = y * CELL_H + CELL_H - 2;
                for px in 0..CELL_W {
                    let at = ((py * w + x * CELL_W + px) * 3) as usize;
                    pixels[at..at + 3].copy_from_slice(&fg);
                }
            }
        }
    }
    (w, h, pixels)
}

fn write_png(path: &str, (w, h, pixels): (u32, u32, Vec<u8>)) {
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .unwrap()
        .write_image_data(&pixels)
        .unwrap();
    println!("wrote {path}");
}

fn render(state: &AppState, now: DateTime<Utc>, theme: &Theme, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| podsize::ui::draw(f, state, now, theme))
        .unwrap();
    terminal.backend().buffer().clone()
}

fn key(state: &mut AppState, code: KeyCode, now: DateTime<Utc>) {
    update(
        state,
        Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        now,
    );
    state.refresh_index();
}

fn select_pod(state: &mut AppState, pred: impl Fn(&podsize::model::PodRow) -> bool) {
    let i = state
        .visible()
        .iter()
        .position(|r| state.pods.get(&r.pod).is_some_and(&pred))
        .expect("a matching pod");
    state.select(i);
}

/// The first pod and node lists of `sim`, with creation times shifted so the newest pod is
/// 42 minutes older than `now` (so ages read the same on every run).
async fn lists_of(sim: &SimCluster, now: DateTime<Utc>) -> Vec<ClusterEvent> {
    let client = sim.client(Identity::Admin).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let pods = tokio::spawn(watch_pods(
        client.clone(),
        Scope::default(),
        InitialList::Streaming,
        tx.clone(),
    ));
    let nodes = tokio::spawn(watch_nodes(client, tx));
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while events
        .iter()
        .filter(|e| {
            matches!(
                e,
                ClusterEvent::PodsReset(_) | ClusterEvent::ListDone | ClusterEvent::NodesReset(_)
            )
        })
        .count()
        < 2
    {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(e)) => events.push(e),
            _ => panic!("the simulated cluster did not answer"),
        }
    }
    pods.abort();
    nodes.abort();
    let newest = events
        .iter()
        .filter_map(|e| match e {
            ClusterEvent::PodsReset(rows) => rows.values().filter_map(|r| r.created).max(),
            ClusterEvent::ListBatch(rows) => rows.iter().filter_map(|r| r.created).max(),
            _ => None,
        })
        .max()
        .unwrap_or_else(Utc::now);
    let shift = now - TimeDelta::minutes(42) - newest;
    for event in &mut events {
        let rows: Vec<&mut podsize::model::PodRow> = match event {
            ClusterEvent::PodsReset(rows) => rows.values_mut().collect(),
            ClusterEvent::ListBatch(rows) => rows.iter_mut().collect(),
            _ => Vec::new(),
        };
        for row in rows {
            row.created = row.created.map(|t| t + shift);
        }
    }
    events
}

#[tokio::main]
async fn main() {
    let fonts = load_fonts();
    let sim = SimCluster::start(SimConfig {
        pods: 60,
        seed: 1,
        nodes: 4,
        namespaces: 4,
        metrics: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    // Let the simulated kubelet settle the seeded states.
    tokio::time::sleep(Duration::from_secs(3)).await;
    // A fixed clock after the newest pod, so ages and the wall clock are the same every run.
    let now = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
    let events = lists_of(&sim, now).await;
    let header = HeaderInfo {
        context: "sim-admin".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let fresh = || {
        let mut state = AppState::new(header.clone(), Scope::default());
        for e in events.clone() {
            update(&mut state, Action::Cluster(e), now);
        }
        state.refresh_index();
        state
    };
    let dark = Theme::default();
    std::fs::create_dir_all("screenshots").unwrap();

    let mut table = fresh();
    key(&mut table, KeyCode::Char('s'), now); // sort by resize state: every state near the top
    write_png(
        "screenshots/table.png",
        rasterise(&render(&table, now, &dark, 160, 45), &fonts, &DARK),
    );

    let mut editor = fresh();
    select_pod(&mut editor, |p| {
        p.state.name() == "None"
            && p.node.is_some()
            && p.containers
                .iter()
                .any(|c| c.actual.is_some() && c.desired.limits.cpu_millis.is_some())
    });
    key(&mut editor, KeyCode::Char('e'), now);
    for c in "x2".chars() {
        key(&mut editor, KeyCode::Char(c), now);
    }
    key(&mut editor, KeyCode::Tab, now);
    for c in "x2".chars() {
        key(&mut editor, KeyCode::Char(c), now);
    }
    write_png(
        "screenshots/editor.png",
        rasterise(&render(&editor, now, &dark, 160, 45), &fonts, &DARK),
    );

    let mut details = fresh();
    key(&mut details, KeyCode::Char('s'), now);
    select_pod(&mut details, |p| matches!(p.state.name(), "Deferred"));
    key(&mut details, KeyCode::Char('d'), now);
    write_png(
        "screenshots/details-deferred.png",
        rasterise(&render(&details, now, &dark, 160, 45), &fonts, &DARK),
    );

    let mut wall = fresh();
    wall.clusters[0].header.readonly = true;
    wall.wall = Some(podsize::app::wall::Wall::new(
        TimeDelta::seconds(10),
        false,
        false,
    ));
    wall.sort = podsize::settings::SortKey::ResizeState;
    wall.invalidate_index();
    wall.refresh_index();
    let contrast = Theme::builtin("high-contrast").unwrap();
    write_png(
        "screenshots/watch.png",
        rasterise(&render(&wall, now, &contrast, 160, 45), &fonts, &DARK),
    );

    // Three clusters on one wall: two live, one whose API server went away 80 s ago.
    let mut others = Vec::new();
    for (seed, prefix) in [(7, "use1-node"), (8, "stg-node")] {
        let cfg = SimConfig {
            pods: 40,
            seed,
            nodes: 3,
            namespaces: 3,
            metrics: false,
            node_prefix: prefix.into(),
            ..SimConfig::default()
        };
        others.push(SimCluster::start(cfg).await.unwrap());
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut lists = vec![events.clone()];
    for member in &others {
        lists.push(lists_of(member, now).await);
    }
    let clusters = [
        ("prod-eu-west-1", "v1.35.0"),
        ("prod-us-east-1", "v1.34.2"),
        ("staging", "v1.33.5"),
    ];
    let headers = clusters
        .iter()
        .map(|(context, version)| HeaderInfo {
            context: (*context).into(),
            server_version: (*version).into(),
            minor: version.split('.').nth(1).and_then(|m| m.parse().ok()),
            readonly: true,
            ..header.clone()
        })
        .collect();
    let mut fleet = AppState::with_clusters(headers, Scope::default());
    for (i, list) in lists.into_iter().enumerate() {
        for e in list {
            update(&mut fleet, Action::ClusterOf(i as u16, e), now);
        }
    }
    update(
        &mut fleet,
        Action::ClusterOf(
            2,
            ClusterEvent::Connection(podsize::model::pods::events::Connection::Reconnecting {
                attempt: 6,
                error: "connect: connection refused".into(),
                since: now - TimeDelta::seconds(80),
            }),
        ),
        now,
    );
    fleet.wall = Some(podsize::app::wall::Wall::new(
        TimeDelta::seconds(10),
        false,
        false,
    ));
    fleet.sort = podsize::settings::SortKey::ResizeState;
    fleet.invalidate_index();
    fleet.refresh_index();
    write_png(
        "screenshots/watch-clusters.png",
        rasterise(&render(&fleet, now, &contrast, 160, 45), &fonts, &DARK),
    );
    for member in &others {
        member.stop().await;
    }

    let light = Theme::builtin("light").unwrap();
    write_png(
        "screenshots/light.png",
        rasterise(&render(&table, now, &light, 160, 45), &fonts, &LIGHT),
    );
    sim.stop().await;
}

//! The binding tables, one per input mode, in help order.

use super::{Binding, Key};
use crossterm::event::KeyCode;

const fn bind<C>(keys: &'static [Key], command: C, help: &'static str) -> Binding<C> {
    Binding {
        keys,
        command,
        help,
    }
}

const fn c(ch: char) -> Key {
    Key::char(ch)
}

const fn k(code: KeyCode) -> Key {
    Key::code(code)
}

/// Commands of the table view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    StartFilter,
    StartCommand,
    CycleSort,
    TogglePerPod,
    ToggleDetails,
    Help,
    Edit,
    RightsizeMarked,
    Boost,
    StartupBoosts,
    ToggleMark,
    Nodes,
    MakeRoom,
    Escape,
    Quit,
}

/// Every binding of the table view.
pub const BINDINGS: &[Binding<Command>] = &[
    bind(&[c('j'), k(KeyCode::Down)], Command::Down, "next row"),
    bind(&[c('k'), k(KeyCode::Up)], Command::Up, "previous row"),
    bind(
        &[k(KeyCode::PageDown), Key::ctrl('f')],
        Command::PageDown,
        "next page",
    ),
    bind(
        &[k(KeyCode::PageUp), Key::ctrl('b')],
        Command::PageUp,
        "previous page",
    ),
    bind(&[c('g'), k(KeyCode::Home)], Command::Top, "first row"),
    bind(&[c('G'), k(KeyCode::End)], Command::Bottom, "last row"),
    bind(
        &[c('e'), k(KeyCode::Enter)],
        Command::Edit,
        "edit the selected container's resources (with marks: the marked pods)",
    ),
    bind(
        &[c('R')],
        Command::RightsizeMarked,
        "right-size the marked pods (or the selected one) to their recommendations",
    ),
    bind(
        &[c('b')],
        Command::Boost,
        "boost the selected container for a while (reverts by itself)",
    ),
    bind(
        &[c('B')],
        Command::StartupBoosts,
        "start-up boosts for the selected pod's workload: each new pod x2 CPU until Ready, 10m at most (B again stops)",
    ),
    bind(
        &[c(' ')],
        Command::ToggleMark,
        "mark / unmark the pod for a batch edit, then move down to the next pod",
    ),
    bind(
        &[c('/')],
        Command::StartFilter,
        "filter namespace/pod/container/node (!text negates)",
    ),
    bind(
        &[c(':')],
        Command::StartCommand,
        "command: ns NAME | ns all | ctx NAME [NAME…] | ctx all | sort KEY | nodes | q",
    ),
    bind(
        &[c('s')],
        Command::CycleSort,
        "cycle sort: name, state, cpu, memory, restarts, age, over-request, risk",
    ),
    bind(
        &[c('p')],
        Command::TogglePerPod,
        "one row per pod / per container",
    ),
    bind(
        &[c('d')],
        Command::ToggleDetails,
        "details pane of the selected pod",
    ),
    bind(
        &[c('N')],
        Command::Nodes,
        "node view: room per node, Deferred demand (also :nodes)",
    ),
    bind(
        &[c('m')],
        Command::MakeRoom,
        "make room for the selected Deferred resize (plan, then send)",
    ),
    bind(&[c('?')], Command::Help, "this help"),
    bind(
        &[k(KeyCode::Esc)],
        Command::Escape,
        "clear filter / close details / clear marks",
    ),
    bind(&[c('q')], Command::Quit, "quit"),
];

/// Keys honoured in every mode, before the mode's own table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalCommand {
    Quit,
}

pub const GLOBAL: &[Binding<GlobalCommand>] = &[bind(
    &[Key::ctrl('c')],
    GlobalCommand::Quit,
    "quit, from any mode",
)];

/// Closing a one-line prompt (the filter or the command line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptCommand {
    Accept,
    Cancel,
}

pub const FILTER: &[Binding<PromptCommand>] = &[
    bind(
        &[k(KeyCode::Enter)],
        PromptCommand::Accept,
        "keep the filter",
    ),
    bind(
        &[k(KeyCode::Esc)],
        PromptCommand::Cancel,
        "clear the filter",
    ),
];

pub const COMMAND_LINE: &[Binding<PromptCommand>] = &[
    bind(
        &[k(KeyCode::Enter)],
        PromptCommand::Accept,
        "run the command",
    ),
    bind(&[k(KeyCode::Esc)], PromptCommand::Cancel, "cancel"),
];

/// Cursor and deletion keys of every text field; other characters are typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEditCommand {
    Start,
    End,
    Left,
    Right,
    DeleteToStart,
    DeleteWord,
    Backspace,
    Delete,
}

pub const LINE_EDIT: &[Binding<LineEditCommand>] = &[
    bind(&[k(KeyCode::Left)], LineEditCommand::Left, "cursor left"),
    bind(&[k(KeyCode::Right)], LineEditCommand::Right, "cursor right"),
    bind(
        &[k(KeyCode::Home), Key::ctrl('a')],
        LineEditCommand::Start,
        "start of the text",
    ),
    bind(
        &[k(KeyCode::End), Key::ctrl('e')],
        LineEditCommand::End,
        "end of the text",
    ),
    bind(
        &[k(KeyCode::Backspace)],
        LineEditCommand::Backspace,
        "delete before the cursor",
    ),
    bind(
        &[k(KeyCode::Delete)],
        LineEditCommand::Delete,
        "delete under the cursor",
    ),
    bind(
        &[Key::ctrl('u')],
        LineEditCommand::DeleteToStart,
        "delete to the start",
    ),
    bind(
        &[Key::ctrl('w')],
        LineEditCommand::DeleteWord,
        "delete the word before the cursor",
    ),
];

/// Keys of the resize editor; other keys edit the focused field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditorCommand {
    Submit,
    Close,
    NextField,
    PreviousField,
    ResetField,
    FillRecommended,
    /// On the review of an edit predicted Deferred: plan make-room for it.
    MakeRoom,
}

pub const EDITOR: &[Binding<EditorCommand>] = &[
    bind(
        &[k(KeyCode::Enter)],
        EditorCommand::Submit,
        "review the change; Enter again sends it, any other key goes back",
    ),
    bind(
        &[k(KeyCode::Tab), k(KeyCode::Down)],
        EditorCommand::NextField,
        "next field",
    ),
    bind(
        &[k(KeyCode::BackTab), k(KeyCode::Up)],
        EditorCommand::PreviousField,
        "previous field",
    ),
    bind(
        &[c('~')],
        EditorCommand::ResetField,
        "put the field back to its desired value",
    ),
    bind(
        &[c('r')],
        EditorCommand::FillRecommended,
        "fill every field with the container's recommendation",
    ),
    bind(
        &[k(KeyCode::Esc)],
        EditorCommand::Close,
        "close without sending",
    ),
    bind(
        &[c('m')],
        EditorCommand::MakeRoom,
        "on the review of a change predicted Deferred: make room for it on the node (while typing, m is millicores)",
    ),
];

/// Keys of the read-only wall display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WallCommand {
    NextPage,
    PreviousPage,
    RefuseEdit,
    Help,
    Quit,
}

pub const WALL: &[Binding<WallCommand>] = &[
    bind(
        &[k(KeyCode::PageDown)],
        WallCommand::NextPage,
        "next page now",
    ),
    bind(
        &[k(KeyCode::PageUp)],
        WallCommand::PreviousPage,
        "previous page now",
    ),
    bind(
        &[c('e'), c(' '), k(KeyCode::Enter)],
        WallCommand::RefuseEdit,
        "says why editing is disabled",
    ),
    bind(&[c('?')], WallCommand::Help, "this help"),
    bind(&[c('q')], WallCommand::Quit, "quit"),
];

/// Keys of the node view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodesCommand {
    Down,
    Up,
    CycleSort,
    ShowPods,
    Back,
    Help,
    Quit,
}

pub const NODES: &[Binding<NodesCommand>] = &[
    bind(&[c('j'), k(KeyCode::Down)], NodesCommand::Down, "next node"),
    bind(&[c('k'), k(KeyCode::Up)], NodesCommand::Up, "previous node"),
    bind(
        &[c('s')],
        NodesCommand::CycleSort,
        "sort by free room / pending demand",
    ),
    bind(
        &[k(KeyCode::Enter)],
        NodesCommand::ShowPods,
        "the pod table filtered to this node",
    ),
    bind(
        &[k(KeyCode::Esc)],
        NodesCommand::Back,
        "back to the pod table",
    ),
    bind(&[c('?')], NodesCommand::Help, "help"),
    bind(&[c('q')], NodesCommand::Quit, "quit"),
];

/// Keys of the make-room overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MakeRoomCommand {
    Send,
    Close,
}

pub const MAKE_ROOM: &[Binding<MakeRoomCommand>] = &[
    bind(
        &[k(KeyCode::Enter), c('y')],
        MakeRoomCommand::Send,
        "send the plan (dry run of every shrink first)",
    ),
    bind(
        &[k(KeyCode::Esc), c('n'), c('q')],
        MakeRoomCommand::Close,
        "close without sending",
    ),
];

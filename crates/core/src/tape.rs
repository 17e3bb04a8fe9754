//! Time and sales: the trades of a window, newest first, at least a minimum amount, as a list that a virtualized
//! view reads a screenful at a time.
//!
//! - [`Tape`]: which trades are rows, by position, without a copy of them (8 bytes a row).
//! - [`Viewport`]: which rows a scrolled view shows, and where, for any number of rows (a browser cannot make an
//!   element of more than about 33 million pixels, so past [`MAX_SCROLL_PX`] the scroll is scaled).
//! - [`ScrolledTape`]: both, for a view that scrolls while the tape grows: the trades in sight stay in sight.

mod rows;
mod scrolled;
mod viewport;

pub use rows::Tape;
pub use scrolled::{ScrolledTape, TapeQuery, TapeShown};
pub use viewport::{MAX_SCROLL_PX, Viewport};

#[cfg(test)]
mod tests;

//! Which rows of a long list a scrolled view shows. The list is drawn as an element `height_px` tall, of which
//! only the rows in sight exist, in a block placed at `offset_px`.

/// The tallest list element drawn: browsers clip elements at about 33.5 million pixels, so a list taller than this
/// maps its scroll position onto the rows proportionally, and the block of rows in sight is placed at the scroll
/// position itself.
pub const MAX_SCROLL_PX: f64 = 8_000_000.0;

/// The rows in sight of a view and where to draw them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// The first row drawn.
    pub first: usize,
    /// How many rows are drawn from `first`: what fits in the view, and one more for the row cut at its bottom.
    pub count: usize,
    /// Where the block of drawn rows starts, from the top of the list element.
    pub offset_px: f64,
    /// The list element's height.
    pub height_px: f64,
}

impl Viewport {
    /// The view of `len` rows of `row_px` each, in a view `view_px` tall scrolled down by `scroll_px`.
    pub fn new(len: usize, row_px: f64, view_px: f64, scroll_px: f64) -> Self {
        let full = len as f64 * row_px;
        let height_px = full.min(MAX_SCROLL_PX);
        let in_view = ((view_px / row_px).ceil() as usize + 1).min(len);
        let scroll = scroll_px.clamp(0.0, (height_px - view_px).max(0.0));
        let last_first = len - in_view;
        let (first, offset_px) = if full <= MAX_SCROLL_PX {
            // A hair over, so that the scroll of `scroll_for(first)` shows `first` whatever the rounding.
            let first = ((scroll / row_px + 1e-6).floor() as usize).min(last_first);
            (first, first as f64 * row_px)
        } else {
            // The block slides from the top of the view to its bottom as the scroll goes from top to bottom, so
            // that the first and the last row can both be seen.
            let fraction = scroll / (height_px - view_px);
            let first = ((fraction * last_first as f64).round() as usize).min(last_first);
            let overhang = in_view as f64 * row_px - view_px;
            (first, scroll - fraction * overhang)
        };
        Self {
            first,
            count: in_view.min(len - first),
            offset_px,
            height_px,
        }
    }

    /// The scroll position at which row `first` is the first in sight: the inverse of [`Viewport::new`], to keep
    /// the same rows in sight when rows are added above them.
    pub fn scroll_for(len: usize, row_px: f64, view_px: f64, first: usize) -> f64 {
        let full = len as f64 * row_px;
        if full <= MAX_SCROLL_PX {
            first as f64 * row_px
        } else {
            let in_view = ((view_px / row_px).ceil() as usize + 1).min(len);
            let fraction = first as f64 / (len - in_view).max(1) as f64;
            fraction * (MAX_SCROLL_PX - view_px)
        }
    }
}

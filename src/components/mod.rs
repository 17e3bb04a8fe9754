//! The dashboard's pieces, one component per file.

pub mod back_to_live;
pub mod book_view;
pub mod cache_control;
pub mod channel_panel;
pub mod channel_picker;
pub mod chart_box;
pub mod compare_panel;
pub mod count_input;
pub mod interval_picker;
pub mod live_badge;
pub mod load_bar;
pub mod measure_view;
pub mod messages;
pub mod orders_charts;
pub mod profile_summary;
pub mod progress_view;
pub mod stats_table;
pub mod summary;
pub mod tape_view;
pub mod time_range;
pub mod trades_charts;
pub mod value_cell;

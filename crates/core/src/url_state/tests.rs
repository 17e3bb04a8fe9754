use super::*;
use proptest::prelude::*;

const T: i64 = 1_647_830_700_000_000; // 2022-03-21T02:45:00Z

fn parse(q: &str) -> (ViewState, Vec<String>) {
    ViewState::parse(q)
}

fn at(us: i64) -> Option<TimeSpec> {
    Some(TimeSpec::At(us))
}

#[test]
fn a_full_view_parses() {
    let (s, w) = parse(
        "?api=https://abc.execute-api.eu-west-1.amazonaws.com/prod&ch=live_trades_btcusd,live_orders_ethusd\
         &from=2022-03-21T02:45:00Z&to=2022-03-21T06:27:00.5Z&tz=local&k=8&inflight=12&cache=0&iv=1m&view=LINE\
         &zoom=2022-03-21T03:00:00Z,1647832500000000&note=x",
    );
    assert_eq!(w, Vec::<String>::new());
    assert_eq!(
        s.api.as_deref(),
        Some("https://abc.execute-api.eu-west-1.amazonaws.com/prod")
    );
    assert_eq!(
        names(&s.channels),
        vec!["live_trades_btcusd", "live_orders_ethusd"]
    );
    assert_eq!(s.from, at(T));
    assert_eq!(s.to, at(T + 13_320_000_000 + 500_000));
    assert_eq!(
        (s.tz, s.k, s.inflight, s.cache),
        (TzMode::Local, Some(8), Some(12), false)
    );
    assert_eq!((s.iv, s.view), (Some(Interval::M1), PriceView::Line));
    assert_eq!(s.zoom, Some((T + 900_000_000, T + 1_800_000_000)));
    assert_eq!(s.extra.get("note").map(String::as_str), Some("x"));
}

#[test]
fn the_book_instant_round_trips_and_a_bad_one_is_explained() {
    let s = ViewState {
        from: at(T),
        to: at(T + 3_600_000_000),
        at: Some(T + 61_000_250),
        ..ViewState::default()
    };
    let q = s.to_query();
    assert!(q.ends_with("&at=2022-03-21T02:46:01.000250Z"), "{q}");
    assert_eq!(parse(&q), (s, vec![]));
    assert_eq!(parse("at=1647830761000250").0.at, Some(T + 61_000_250));
    for (query, needle) in [
        ("at=soon", "`at` \"soon\" is not a time"),
        (
            "from=100&to=200&at=300",
            "`at` (1970-01-01T00:00:00.000300Z) is outside the range",
        ),
    ] {
        let (s, w) = parse(query);
        assert_eq!(s.at, None, "{query}");
        assert!(w.len() == 1 && w[0].contains(needle), "{query}: {w:?}");
    }
}

#[test]
fn a_measurement_round_trips_and_a_bad_one_is_explained() {
    let s = ViewState {
        from: at(T),
        to: at(T + 3_600_000_000),
        measure: Some((T + 60_000_000, T + 61_000_250)),
        ..ViewState::default()
    };
    let q = s.to_query();
    assert!(
        q.ends_with("&measure=2022-03-21T02:46:00Z,2022-03-21T02:46:01.000250Z"),
        "{q}"
    );
    assert_eq!(parse(&q), (s, vec![]));
    for (query, needle) in [
        (
            "measure=5",
            "`measure` \"5\" is not `<from>,<to>`; measuring nothing",
        ),
        ("measure=9,9", "does not start before it ends"),
        ("from=100&to=200&measure=150,300", "is not inside the range"),
    ] {
        let (s, w) = parse(query);
        assert_eq!(s.measure, None, "{query}");
        assert!(w.len() == 1 && w[0].contains(needle), "{query}: {w:?}");
    }
    assert_eq!(
        parse("from=now-1h&to=now&measure=150,300").0.measure,
        Some((150, 300))
    );
}

#[test]
fn chart_keys_round_trip_and_bad_ones_are_explained() {
    let s = ViewState {
        from: at(T),
        to: at(T + 3_600_000_000),
        iv: Some(Interval::S5),
        view: PriceView::Line,
        zoom: Some((T + 60_000_000, T + 120_000_500)),
        ..ViewState::default()
    };
    let q = s.to_query();
    assert!(
        q.ends_with("&iv=5s&view=line&zoom=2022-03-21T02:46:00Z,2022-03-21T02:47:00.000500Z"),
        "{q}"
    );
    assert_eq!(parse(&q), (s, vec![]));
    for (query, needle) in [
        ("iv=fortnight", "`iv` \"fortnight\" is not an interval"),
        ("view=pie", "`view` \"pie\" is not `candles` or `line`"),
        ("zoom=5", "is not `<from>,<to>`"),
        ("zoom=5,x", "is not a time"),
        ("zoom=9,9", "does not start before it ends"),
        ("from=100&to=200&zoom=300,400", "outside the range"),
    ] {
        let (s, w) = parse(query);
        assert_eq!(
            (s.iv, s.view, s.zoom),
            (None, PriceView::Candles, None),
            "{query}"
        );
        assert!(w.len() == 1 && w[0].contains(needle), "{query}: {w:?}");
    }
    // A window overlapping the range is kept as it is (the charts clip it).
    assert_eq!(
        parse("from=100&to=200&zoom=150,400").0.zoom,
        Some((150, 400))
    );
}

#[test]
fn an_empty_query_is_the_default_view() {
    for q in ["", "?", "&&", "api=&ch=&from=&to=&tz=&k="] {
        assert_eq!(parse(q), (ViewState::default(), vec![]), "{q:?}");
    }
    assert_eq!(ViewState::default().to_query(), "");
}

#[test]
fn integer_microseconds_are_times_too() {
    let (s, w) = parse("from=1647830700000000&to=1647830700000001");
    assert!(w.is_empty());
    assert_eq!((s.from, s.to), (at(T), at(T + 1)));
    assert_eq!(
        s.to_query(),
        "from=2022-03-21T02:45:00Z&to=2022-03-21T02:45:00.000001Z"
    );
}

#[test]
fn bad_values_fall_back_with_a_warning_each() {
    let (s, w) = parse(
        "api=ftp://x&ch=live_trades_btcusd,bogus,live_trades_btcusd&from=2022-02-30T00:00:00Z&to=-5&tz=mars&k=17&inflight=200",
    );
    assert_eq!(s.api, None);
    assert_eq!(names(&s.channels), vec!["live_trades_btcusd"]);
    assert_eq!(
        (s.from, s.to, s.tz, s.k, s.inflight),
        (None, None, TzMode::Utc, None, None)
    );
    assert_eq!(w.len(), 8, "{w:#?}");
    let all = w.join("\n");
    for needle in [
        "`api` \"ftp://x\" is not an http:// or https:// URL; using the default API",
        "\"bogus\" is not a channel name",
        "listed twice",
        "`from` \"2022-02-30T00:00:00Z\" is not a time: day 30 is out of range",
        "`to` \"-5\" is not a time",
        "`tz` \"mars\" is not `utc` or `local`; using utc",
        "`k` \"17\" is not a number of parallel segments from 1 to 16; planning from the data",
        "`inflight` \"200\" is not a number of requests from 1 to 128",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in\n{all}");
    }
}

#[test]
fn more_bad_values() {
    let warn = |q: &str| {
        let (_, w) = parse(q);
        assert_eq!(w.len(), 1, "{q}: {w:?}");
        w[0].clone()
    };
    assert!(warn("api=https://").contains("has no host"));
    assert!(warn("api=http://a b").contains("spaces"));
    assert!(warn("api=https://x.y/p%3Fq=1").contains("base URL"));
    assert!(warn("api=/relative").contains("http"));
    assert!(warn("k=0").contains("`k`"));
    assert!(warn("k=%2B4").contains("`k`"));
    assert!(warn("k=four").contains("`k`"));
    assert!(warn("inflight=0").contains("`inflight`"));
    assert!(warn("inflight=129").contains("`inflight`"));
    assert!(warn("from=1969-12-31T00:00:00Z").contains("before 1970"));
    assert!(warn("from=99999999999999999999").contains("too large"));
    assert!(warn("from=2022-03-21T02:45:00").contains("no zone"));
    assert!(warn("ch=live_trades_btcusd&ch=b").contains("more than once"));
    let w = warn("from=2022-03-22&to=2022-03-21");
    assert!(
        w.contains("after `to`") && w.contains("default range"),
        "{w}"
    );
    assert_eq!(
        parse("from=2022-03-22&to=2022-03-21").0,
        ViewState::default()
    );
    let long = "x".repeat(10_000);
    assert!(warn(&format!("tz={long}")).len() < 200);
}

#[test]
fn lenient_forms_are_accepted() {
    let (s, w) = parse("API=x&tz=UTC&k=16&ch=%20live_trades_btcusd%20,,&api=HTTP://Host:8080");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(s.api.as_deref(), Some("HTTP://Host:8080"));
    assert_eq!(names(&s.channels), vec!["live_trades_btcusd"]);
    assert_eq!((s.tz, s.k), (TzMode::Utc, Some(16)));
    // Keys are case-sensitive: `API` is an unknown key, kept.
    assert_eq!(s.extra.get("API").map(String::as_str), Some("x"));
    // An offset's unencoded `+` arrives as a space.
    let (s, w) = parse("from=2022-03-21T03:45:00+01:00");
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(s.from, at(T));
}

#[test]
fn written_urls_are_readable_and_round_trip() {
    let mut s = ViewState {
        api: Some("http://127.0.0.1:3000/api".into()),
        channels: vec![
            "live_orders_btcusd".parse().unwrap(),
            "live_trades_ethusd".parse().unwrap(),
        ],
        from: at(T + 123_000),
        to: at(T + 3_600_000_000),
        tz: TzMode::Local,
        k: Some(2),
        inflight: Some(30),
        cache: false,
        ..ViewState::default()
    };
    s.extra.insert("note".into(), "a&b=c+d e%".into());
    let q = s.to_query();
    assert_eq!(
        q,
        "api=http://127.0.0.1:3000/api&ch=live_orders_btcusd,live_trades_ethusd\
         &from=2022-03-21T02:45:00.123Z&to=2022-03-21T03:45:00Z&tz=local&k=2&inflight=30&cache=0&note=a%26b%3Dc%2Bd%20e%25"
    );
    assert_eq!(parse(&q), (s.clone(), vec![]));
    assert_eq!(parse(&format!("?{q}")).0, s);
    // Unknown keys survive, values untouched (not trimmed).
    let (t, _) = parse("note=%20x%20&ch=live_trades_btcusd");
    assert_eq!(t.extra.get("note").map(String::as_str), Some(" x "));
    assert_eq!(parse(&t.to_query()).0, t);
}

#[test]
fn times_outside_iso_years_are_written_as_integers() {
    let s = ViewState {
        from: at(300_000_000_000_000_000),
        to: at(i64::MAX),
        ..ViewState::default()
    };
    let q = s.to_query();
    assert_eq!(q, format!("from=300000000000000000&to={}", i64::MAX));
    assert_eq!(parse(&q), (s, vec![]));
}

fn arb_state() -> impl Strategy<Value = ViewState> {
    let channel = prop_oneof![
        Just("live_trades_btcusd".to_owned()),
        Just("live_trades_ethusd".to_owned()),
        Just("live_orders_btcusd".to_owned()),
        "live_orders_[a-z0-9]{2,16}",
    ];
    (
        proptest::option::of(
            "https?://[a-zA-Z0-9.-]{1,20}(:[0-9]{1,5})?(/[a-zA-Z0-9_.%~-]{0,12}){0,3}",
        ),
        prop::collection::vec(channel, 0..5),
        proptest::option::of(0i64..4_102_444_800_000_000),
        proptest::option::of(0i64..4_102_444_800_000_000),
        any::<bool>(),
        (
            proptest::option::of(1u8..=16),
            proptest::option::of(1u8..=128),
        ),
        prop::collection::btree_map("[a-zA-Z_][a-zA-Z0-9_]{0,6}", "\\PC{0,20}", 0..4),
        proptest::option::of(proptest::sample::select(Interval::ALL.to_vec())),
        proptest::sample::select(PriceView::ALL.to_vec()),
        (any::<bool>(), any::<bool>()),
        (any::<bool>(), 0u32..10_000, any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                api,
                channels,
                a,
                b,
                local,
                (k, inflight),
                extra,
                iv,
                view,
                (zoomed, measured),
                (relative, back, follow, cache),
            )| {
                let mut unique: Vec<Channel> = Vec::new();
                for c in channels {
                    let c = Channel::parse(&c).expect("a well-formed name");
                    if !unique.contains(&c) {
                        unique.push(c);
                    }
                }
                let (from, to) = match (a, b) {
                    (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                    other => other,
                };
                let spec = |us: Option<i64>| us.map(TimeSpec::At);
                let extra = extra
                    .into_iter()
                    .filter(|(k, _)| {
                        ![
                            "api", "ch", "from", "to", "follow", "tz", "k", "inflight", "cache",
                            "iv", "view", "zoom", "at", "measure",
                        ]
                        .contains(&k.as_str())
                    })
                    .collect();
                let (from_spec, to_spec) = if relative {
                    (TimeSpec::ago(back + 1, 'm'), Some(TimeSpec::NOW))
                } else {
                    (spec(from), spec(to))
                };
                ViewState {
                    api,
                    channels: unique,
                    from: from_spec,
                    to: to_spec,
                    follow,
                    tz: if local { TzMode::Local } else { TzMode::Utc },
                    k,
                    inflight,
                    cache,
                    iv,
                    view,
                    zoom: match (from, to) {
                        (Some(f), Some(t)) if f < t && zoomed && !relative => {
                            Some((f + (t - f) / 3, t))
                        }
                        _ => None,
                    },
                    at: match (from, relative) {
                        (Some(f), false) if zoomed => Some(f),
                        _ => None,
                    },
                    measure: match (from, to) {
                        (Some(f), Some(t)) if f < t && measured => Some((f, f + (t - f) / 2 + 1)),
                        _ => None,
                    },
                    extra,
                }
            },
        )
}

proptest! {
    #[test]
    fn any_valid_view_round_trips(state in arb_state()) {
        let q = state.to_query();
        prop_assert_eq!(ViewState::parse(&q), (state, vec![]), "{}", q);
    }

    #[test]
    fn any_query_parses_to_a_view_that_round_trips(q in "\\PC{0,200}") {
        let (state, _) = ViewState::parse(&q);
        prop_assert!(state.k.is_none_or(|k| (1..=MAX_K).contains(&k)));
        prop_assert!(state.inflight.is_none_or(|n| (1..=MAX_IN_FLIGHT).contains(&n)));
        let again = state.to_query();
        prop_assert_eq!(ViewState::parse(&again), (state, vec![]), "{}", again);
    }

    #[test]
    fn structured_garbage_never_panics(
        api in "(https?://[a-z.]{0,10}|\\PC{0,12})",
        ch in "((live_(trades|orders)_[a-z]{1,4}|\\PC{0,6}),?){0,4}",
        from in "([0-9]{1,21}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{0,15}Z?|\\PC{0,8})",
        k in "(-?[0-9]{0,4}|\\PC{0,3})",
    ) {
        let q = format!("api={api}&ch={ch}&from={from}&to={from}&k={k}");
        let (state, _) = ViewState::parse(&q);
        if let (Some(TimeSpec::At(f)), Some(TimeSpec::At(t))) = (state.from, state.to) {
            prop_assert!(0 <= f && f <= t);
        }
    }
}

fn names(channels: &[Channel]) -> Vec<&str> {
    channels.iter().map(Channel::name).collect()
}

#[test]
fn relative_ranges_and_follow_round_trip() {
    let (s, w) = parse("ch=live_trades_btcusd&from=now-15m&to=now&follow=1");
    assert_eq!(w, Vec::<String>::new());
    assert_eq!(s.from, TimeSpec::ago(15, 'm'));
    assert_eq!(s.to, Some(TimeSpec::NOW));
    assert!(s.follow);
    assert_eq!(
        s.to_query(),
        "ch=live_trades_btcusd&from=now-15m&to=now&follow=1"
    );
    // A relative start with an absolute end (or the reverse) is checked when it is used, not here.
    let (s, w) = parse("from=now-1h&to=2022-03-21T02:45:00Z");
    assert_eq!((s.from, s.to, w.len()), (TimeSpec::ago(1, 'h'), at(T), 0));
    for (query, needle) in [
        ("from=now&to=now-5m", "is after `to`"),
        ("from=now-5x", "now-<N><unit>"),
        ("follow=maybe", "`follow` \"maybe\" is not `1` or `0`"),
    ] {
        let (s, w) = parse(query);
        assert_eq!((s.from, s.to, s.follow), (None, None, false), "{query}");
        assert!(w.len() == 1 && w[0].contains(needle), "{query}: {w:?}");
    }
    assert!(!parse("follow=0").0.follow);
    let (s, w) = parse("cache=sometimes");
    assert!(
        s.cache
            && w.len() == 1
            && w[0].contains("`cache` \"sometimes\" is not `1` or `0`; using the cache")
    );
    assert!(!parse("cache=OFF").0.cache && parse("cache=1").0.cache);
    // A zoom is an instant window: kept beside a relative range (the charts clip it).
    assert_eq!(
        parse("from=now-15m&to=now&zoom=100,200").0.zoom,
        Some((100, 200))
    );
}

// The peer: what a capable user of the original API would write in an afternoon. Every channel is split into K
// equal time segments and every segment is paged at once (Promise.all): fetch a page, JSON.parse it, follow
// LastEvaluatedKey one page after another until there is none, keep the items as objects. Then, for each trades
// channel, an ECharts candlestick of one-minute candles and volume bars. K = 1 is the sequential client: one cursor
// walk per channel.
//
// Open as /?api=<base>&ch=<a,b,..>&from=<µs>&to=<µs>&k=<K>. It sets window.peer = { loaded, drawn, items } (times
// in ms since navigation start) when done, or window.peer = { error }.

const params = new URLSearchParams(location.search);
const api = params.get('api');
const channels = params.get('ch').split(',');
const from = Number(params.get('from'));
const to = Number(params.get('to'));
const k = Number(params.get('k') ?? 1);

/** The API's cursor parameter for a LastEvaluatedKey: its JSON, base64url. */
function cursorOf(key) {
  return btoa(JSON.stringify(key)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** `[from, to]` (inclusive) in `k` equal inclusive segments. */
function segments() {
  const span = to - from + 1;
  return Array.from({ length: k }, (_, i) => [from + Math.floor((span * i) / k), from + Math.floor((span * (i + 1)) / k) - 1]);
}

async function loadSegment(channel, [a, b]) {
  const items = [];
  let key = null;
  do {
    const query = new URLSearchParams({ channel, from: a, to: b });
    if (key) query.set('cursor', cursorOf(key));
    const response = await fetch(`${api}/bitstamp?${query}`);
    const page = await response.json();
    for (const item of page.body.Items) items.push(item);
    key = page.body.LastEvaluatedKey;
  } while (key);
  return items;
}

async function load(channel) {
  const parts = await Promise.all(segments().map((s) => loadSegment(channel, s)));
  return parts.flat();
}

function draw(channel, items) {
  const box = document.createElement('div');
  box.className = 'chart';
  document.getElementById('charts').append(box);
  items.sort((a, b) => a.nmicrotimestamp - b.nmicrotimestamp || a.id - b.id);
  // One-minute candles: [minute, open, close, low, high] and the minute's volume.
  const candles = new Map();
  for (const t of items) {
    const minute = Math.floor(t.nmicrotimestamp / 60e6) * 60e3;
    const price = Number(t.price);
    const c = candles.get(minute);
    if (!c) candles.set(minute, { open: price, close: price, low: price, high: price, volume: Number(t.amount) });
    else {
      c.close = price;
      c.low = Math.min(c.low, price);
      c.high = Math.max(c.high, price);
      c.volume += Number(t.amount);
    }
  }
  const minutes = [...candles];
  const chart = echarts.init(box);
  const finished = new Promise((resolve) => chart.on('finished', resolve));
  chart.setOption({
    animation: false,
    title: { text: channel },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time' },
    yAxis: [{ type: 'value', scale: true }, { type: 'value' }],
    series: [
      { type: 'candlestick', name: 'price', encode: { x: 0, y: [1, 2, 3, 4] }, data: minutes.map(([m, c]) => [m, c.open, c.close, c.low, c.high]) },
      { type: 'bar', name: 'volume', yAxisIndex: 1, data: minutes.map(([m, c]) => [m, c.volume]) },
    ],
  });
  return finished;
}

try {
  const all = await Promise.all(channels.map(load));
  const loaded = performance.now();
  await Promise.all(channels.map((c, i) => (c.includes('trades') ? draw(c, all[i]) : null)));
  const drawn = performance.now();
  window.items = all;
  window.peer = { loaded, drawn, items: all.reduce((n, a) => n + a.length, 0) };
} catch (error) {
  window.peer = { error: String(error) };
}

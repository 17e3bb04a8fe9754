// The peer: what a user of the original API would write. For each channel (all channels at once), fetch one page,
// JSON.parse it, follow LastEvaluatedKey one page after another until there is none, keep the items in an array;
// then hand them to ECharts: a line of trade prices and volume bars per minute for each trades channel.
//
// Open as /?api=<base>&ch=<a,b,..>&from=<µs>&to=<µs>. It sets window.peer = { loaded, drawn, items } (times in ms
// since navigation start) when done, or window.peer = { error }.

const params = new URLSearchParams(location.search);
const api = params.get('api');
const channels = params.get('ch').split(',');
const from = params.get('from');
const to = params.get('to');

/** The API's cursor parameter for a LastEvaluatedKey: its JSON, base64url. */
function cursorOf(key) {
  return btoa(JSON.stringify(key)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

async function load(channel) {
  const items = [];
  let key = null;
  do {
    const query = new URLSearchParams({ channel, from, to });
    if (key) query.set('cursor', cursorOf(key));
    const response = await fetch(`${api}/bitstamp?${query}`);
    const page = await response.json();
    for (const item of page.body.Items) items.push(item);
    key = page.body.LastEvaluatedKey;
  } while (key);
  return items;
}

function draw(channel, items) {
  const box = document.createElement('div');
  box.className = 'chart';
  document.getElementById('charts').append(box);
  const minutes = new Map();
  for (const t of items) {
    const minute = Math.floor(t.nmicrotimestamp / 60e6) * 60e3;
    minutes.set(minute, (minutes.get(minute) ?? 0) + Number(t.amount));
  }
  const chart = echarts.init(box);
  const finished = new Promise((resolve) => chart.on('finished', resolve));
  chart.setOption({
    animation: false,
    title: { text: channel },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time' },
    yAxis: [{ type: 'value', scale: true }, { type: 'value' }],
    series: [
      { type: 'line', name: 'price', showSymbol: false, data: items.map((t) => [t.nmicrotimestamp / 1000, t.price]) },
      { type: 'bar', name: 'volume', yAxisIndex: 1, data: [...minutes] },
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

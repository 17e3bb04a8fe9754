"""The collector a capable user would write in an afternoon, for scripts/bench-collector.sh to compare with.

asyncio and `websockets`: one connection, the channels subscribed, every data message's `data` plus `channel`,
`nmicrotimestamp` and `event` as JSON into SQLite (WAL, synchronous=NORMAL, as Tickscope's store), one
transaction of `INSERT OR IGNORE` per batch, written when its first item has waited 100 ms or it holds 5,000.
No reconnects, gaps or spool: it only has to be fast.

    python collector.py WS_URL DB SECONDS   → prints "written_per_s p50_ms p99_ms" (rate from 10 s to the end)
"""

import asyncio
import json
import sqlite3
import sys
import time

import websockets

CHANNELS = ["live_trades_btcusd", "live_trades_ethusd", "live_orders_btcusd", "live_orders_ethusd"]
EVENTS = {"trade", "order_created", "order_changed", "order_deleted"}
FLUSH_AFTER = 0.1
MAX_BATCH = 5000


async def collect(url, path, seconds):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS items (channel TEXT NOT NULL, nmicrotimestamp INTEGER NOT NULL,"
        " id INTEGER NOT NULL, microtimestamp TEXT NOT NULL, json TEXT NOT NULL,"
        " PRIMARY KEY (channel, nmicrotimestamp, id, microtimestamp)) WITHOUT ROWID"
    )
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS identity ON items (id, microtimestamp)")
    batch, delays, written = [], [], 0
    written_at_10 = None
    start = time.monotonic()
    async with websockets.connect(url, max_size=1 << 20) as ws:
        for channel in CHANNELS:
            await ws.send(json.dumps({"event": "bts:subscribe", "data": {"channel": channel}}))
        while time.monotonic() - start < seconds:
            try:
                text = await asyncio.wait_for(ws.recv(), timeout=FLUSH_AFTER)
            except asyncio.TimeoutError:
                text = None
            now = time.monotonic()
            if text is not None:
                message = json.loads(text)
                if message.get("event") in EVENTS:
                    data = message["data"]
                    micros = int(data["microtimestamp"])
                    item = dict(data, channel=message["channel"], nmicrotimestamp=micros, event=message["event"])
                    batch.append((message["channel"], micros, data["id"], data["microtimestamp"], json.dumps(item), now))
            if batch and (now - batch[0][5] >= FLUSH_AFTER or len(batch) >= MAX_BATCH):
                with db:
                    db.executemany("INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?, ?)", [b[:5] for b in batch])
                done = time.monotonic()
                delays.extend(done - b[5] for b in batch)
                delays = delays[-20000:]
                written += len(batch)
                batch = []
            if written_at_10 is None and now - start >= 10:
                written_at_10 = written
    delays.sort()
    quantile = lambda q: delays[round(q * (len(delays) - 1))] * 1000 if delays else float("nan")
    rate = (written - (written_at_10 or 0)) / max(seconds - 10, 1)
    print(f"{rate:.0f} {quantile(0.5):.0f} {quantile(0.99):.0f}")


if __name__ == "__main__":
    asyncio.run(collect(sys.argv[1], sys.argv[2], float(sys.argv[3])))

#!/usr/bin/env python3
"""Quick load check against a running local stack (./mvnw -pl local-stack -am spring-boot:run).

Registers 50 demo devices, posts N messages round-robin to them from C threads (closed loop), then
reads the sandbox's /api/notifications and prints the portal's POST latency and the end-to-end
latency from the message's created_at to the sandbox receiving the push.

    source .local-stack/tokens.env
    python3 scripts/smoke-load.py 1000 1 run1     # N, C, a run name (keeps runs' devices apart)

Not a benchmark: everything shares one JVM and the 2 cores with this script.
"""
import json, os, sys, threading, time, urllib.request, uuid
from datetime import datetime
HEADERS = {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + os.environ['ADMIN_TOKEN']}
N = int(sys.argv[1]); CONC = int(sys.argv[2])
RUN = sys.argv[3]
CANDS = [str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{RUN}-{i}")) for i in range(50)]
for i, c in enumerate(CANDS):
    req = urllib.request.Request('http://localhost:8081/push-tokens', data=json.dumps({"user_id": c, "expo_token": f"ExponentPushToken[{RUN}-{i}]"}).encode(), headers=HEADERS)
    urllib.request.urlopen(req).read()
def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=HEADERS)
    t = time.perf_counter(); r = urllib.request.urlopen(req); data = json.loads(r.read()); return time.perf_counter() - t, data
lat = []; ids = {}
lock = threading.Lock()
def worker(k):
    for i in range(k, N, CONC):
        d, data = post('http://localhost:8080/message/send-message', {"sender_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c32", "receiver_id": CANDS[i % len(CANDS)], "message_type": "text", "content": "load %d" % i})
        with lock:
            lat.append(d); ids[data['id']] = data['created_at']
t0 = time.time()
ts = [threading.Thread(target=worker, args=(k,)) for k in range(CONC)]
[t.start() for t in ts]; [t.join() for t in ts]
elapsed = time.time() - t0
def parse(s):
    s = s.rstrip('Z')
    base, _, frac = s.partition('.')
    return datetime.fromisoformat(base + '.' + (frac + '000000')[:6])
deadline = time.time() + 60
while time.time() < deadline:
    got = {n['data']['messageId']: n['received_at'] for n in json.loads(urllib.request.urlopen('http://localhost:8082/api/notifications').read()) if n['data'].get('messageId') in ids}
    if len(got) >= N: break
    time.sleep(0.5)
e2e = sorted((parse(got[m]) - parse(ids[m])).total_seconds() * 1000 for m in got)
lat = sorted(x * 1000 for x in lat)
q = lambda xs, p: xs[min(len(xs) - 1, int(p * len(xs)))]
print(f"posts={N} concurrency={CONC} throughput={N/elapsed:.0f}/s post_ms p50={q(lat,.5):.1f} p95={q(lat,.95):.1f} p99={q(lat,.99):.1f} | delivered={len(got)} e2e_ms p50={q(e2e,.5):.0f} p95={q(e2e,.95):.0f} max={e2e[-1]:.0f}")

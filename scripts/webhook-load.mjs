// Open-loop load generator for the webhook intake (docs/benchmarks.md, "Webhook intake"). Sends signed generic
// deliveries (POST /webhooks/generic) at a fixed rate whatever the answers' speed, and measures each request's latency
// from the moment it was due to be sent, so a stalled server shows up as latency rather than as a lower rate.
// Loopback only; bounded by --rate x --seconds requests and a 10 s timeout per request.
//   node scripts/webhook-load.mjs --url http://127.0.0.1:5000 --source bench --secret HEX [--rate 1000] [--seconds 30] [--prefix run]
// Prints one JSON line: sent, answered by status, errors, latency percentiles in ms, how many took over 50 ms, the
// slowest answer of each second, the rate achieved.
import crypto from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const url = new URL(args.url ?? 'http://127.0.0.1:5000');
const rate = Number(args.rate ?? 1000);
const seconds = Number(args.seconds ?? 30);
const prefix = args.prefix ?? 'run';
const source = args.source;
const secret = args.secret;
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    console.error(`refusing ${url.hostname}: this load generator sends to loopback addresses only`);
    process.exit(2);
}
if (!source || !secret || !(rate > 0 && rate <= 5000) || !(seconds > 0 && seconds <= 300)) {
    console.error('usage: --source NAME --secret SECRET [--rate 1..5000] [--seconds 1..300] [--url http://127.0.0.1:PORT] [--prefix P]');
    process.exit(2);
}

const total = Math.round(rate * seconds);
const interval = 1000 / rate;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
const latencies = [];
const worstPerSecond = [];
const statuses = {};
let errors = 0;
let done = 0;

function send(i, due) {
    const body = JSON.stringify({
        id: `${prefix}-${i}`,
        type: 'client',
        data: { externalId: `${prefix}-c${i}`, firstName: 'Load', lastName: `Test ${i}`, email: `${prefix}-${i}@load.example` },
    });
    const timestamp = Math.floor(Date.now() / 1000).toString();
    const signature = crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
    const request = http.request({
        agent, host: url.hostname, port: url.port, path: '/webhooks/generic', method: 'POST', timeout: 10_000,
        headers: {
            'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body),
            'X-Webhook-Source': source, 'X-Webhook-Timestamp': timestamp, 'X-Webhook-Signature': signature,
        },
    }, response => {
        response.resume();
        response.on('end', () => {
            const latency = performance.now() - due;
            latencies.push(latency);
            const second = Math.floor((due - start) / 1000);
            worstPerSecond[second] = Math.max(worstPerSecond[second] ?? 0, Math.round(latency));
            statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
            finish();
        });
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => { errors++; finish(); });
    request.end(body);
}

function finish() {
    if (++done < total) return;
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const at = p => latencies.length ? Number(latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)].toFixed(1)) : null;
    console.log(JSON.stringify({
        sent: total, statuses, errors, seconds: Number(elapsed.toFixed(1)), rate: Number((total / sendSeconds).toFixed(0)),
        p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1), over50ms: latencies.filter(l => l > 50).length,
        worstPerSecond: [...worstPerSecond].map(w => w ?? 0),
    }));
    agent.destroy();
}

let next = 0;
let sendSeconds = seconds;
const start = performance.now();
(function pump() {
    const now = performance.now();
    while (next < total && start + next * interval <= now) {
        send(next, start + next * interval);
        next++;
    }
    if (next < total) {
        setTimeout(pump, 1);
    } else {
        sendSeconds = (performance.now() - start) / 1000;
    }
})();

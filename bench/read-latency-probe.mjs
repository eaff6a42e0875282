// S4: what an officer and an auditor wait for while a cycle is being paid. Two readers (one per role, as two
// people at their desks) ask the payment service the questions they ask during a payout day, one request
// after another with a short pause between, and every answer's latency is kept per question.
// Closed loop on purpose: a reader waits for its answer before asking again, so a slow service is seen as
// latency, not hidden behind a growing queue of the probe's own requests.
import { Buffer } from 'node:buffer';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const PAUSE_MS = 100;

/**
 * @param options.port the payment service
 * @param options.tokens { OFFICER, AUDITOR }
 * @param options.sample { cycleId, provinceCode, period, communeCodes: string[], cccds: string[], entitlementIds: string[] }
 *   real values of the run, so every question has an answer to find
 * @returns stop(): Promise of the figures per question
 */
export function startReadLatencyProbe({ port, tokens, sample }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const pick = (items, index) => items[index % items.length];
  // what each role asks, in turn; the index makes each round ask about another person or commune
  const questions = {
    officer: [
      ['officer: the cycle (GET /cycles/:id)', () => `/cycles/${sample.cycleId}`],
      ['officer: its batches (GET /cycles/:id/batches)', () => `/cycles/${sample.cycleId}/batches`],
      ['officer: a commune\'s payouts, 100 a page (GET /payouts?communeCode)', (i) => `/payouts?cycleId=${sample.cycleId}&communeCode=${pick(sample.communeCodes, i)}&limit=100`],
      ['officer: coverage of the province (GET /reporting/coverage)', () => `/reporting/coverage?period=${sample.period}&provinceCode=${sample.provinceCode}`],
    ],
    auditor: [
      ['auditor: one person\'s payouts (GET /payouts?cccd)', (i) => `/payouts?cccd=${pick(sample.cccds, i)}`],
      ['auditor: one payout\'s timeline (GET /payouts/:id/timeline)', (i) => `/payouts/${pick(sample.entitlementIds, i)}/timeline`],
    ],
  };
  const latencies = new Map();
  const failures = new Map();
  let running = true;

  const ask = (path, bearer) =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${bearer}` } }, (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - started }));
      });
      req.on('error', (error) => resolve({ status: 0, error: error.message, ms: performance.now() - started }));
      req.end(Buffer.alloc(0));
    });

  const reader = async (role, bearer) => {
    for (let round = 0; running; round += 1) {
      for (const [label, pathOf] of questions[role]) {
        if (!running) return;
        const answer = await ask(pathOf(round), bearer);
        if (answer.status === 200) {
          const list = latencies.get(label) ?? [];
          list.push(answer.ms);
          latencies.set(label, list);
        } else {
          failures.set(label, (failures.get(label) ?? 0) + 1);
        }
        await sleep(PAUSE_MS);
      }
    }
  };
  const readers = [reader('officer', tokens.OFFICER), reader('auditor', tokens.AUDITOR)];

  return {
    async stop() {
      running = false;
      await Promise.all(readers);
      agent.destroy();
      const labels = [...questions.officer, ...questions.auditor].map(([label]) => label);
      return labels.map((label) => ({ question: label, ...percentiles(latencies.get(label) ?? []), failed: failures.get(label) ?? 0 }));
    },
  };
}

function percentiles(values) {
  if (values.length === 0) return { answered: 0, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null };
  const sorted = [...values].sort((a, b) => a - b);
  // nearest-rank: the value below which the given share of answers fall
  const at = (share) => Number(sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)].toFixed(1));
  return { answered: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: Number(sorted.at(-1).toFixed(1)) };
}

// serverSurface retries a busy server (429/503) after its Retry-After, telling the user, and
// stops when the user has typed something else or after BUSY_RETRIES tries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serverSurface, BUSY_RETRIES } from "../../src/gradscape/static/hosts/model.js";

/** A fetch answering `statuses` in turn (a JSON body each), recording the calls. */
function fakeFetch(statuses, retryAfter = "2") {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    calls.push([url, init]);
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    const body = status === 200 ? { formula: "x", program: { ops: [] } } : { error: "The server is busy compiling for others; try again in a moment", column: null };
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Retry-After": retryAfter } });
  };
  return calls;
}

test("a 503 then a 200: the user is told it is retrying, after Retry-After, and gets the surface", async () => {
  const calls = fakeFetch([503, 200], "3");
  const waits = [];
  const notes = [];
  const res = await serverSurface("x", { onWait: (m) => notes.push(m), sleep: async (ms) => { waits.push(ms); } });
  assert.equal(res.formula, "x");
  assert.equal(calls.length, 2);
  assert.deepEqual(waits, [3000]);
  assert.equal(notes.length, 1);
  assert.match(notes[0], /server is busy, retrying/);
});

test("a 429 is retried too, and a Retry-After beyond 10 s is cut to 10 s", async () => {
  fakeFetch([429, 200], "120");
  const waits = [];
  const res = await serverSurface("x", { sleep: async (ms) => { waits.push(ms); } });
  assert.equal(res.formula, "x");
  assert.deepEqual(waits, [10000]);
});

test("a server busy every time: a bounded number of tries, then a message, not an HTTP code", async () => {
  const calls = fakeFetch([503]);
  const res = await serverSurface("x", { sleep: async () => {} });
  assert.equal(calls.length, BUSY_RETRIES + 1);
  assert.deepEqual(res, { error: "The server is busy; try again in a minute.", column: null });
});

test("a newer formula typed meanwhile stops the retries", async () => {
  const calls = fakeFetch([503, 200]);
  let typed = false;
  const res = await serverSurface("x", { stale: () => typed, sleep: async () => { typed = true; } });
  assert.equal(calls.length, 1);
  assert.ok("error" in res);
});

test("a refusal (400) is not retried", async () => {
  globalThis.fetch = async () => new Response(JSON.stringify({ error: "Unknown function 'foo'", column: 3 }), { status: 400 });
  const res = await serverSurface("foo(x)", { sleep: async () => assert.fail("no retry") });
  assert.deepEqual(res, { error: "Unknown function 'foo'", column: 3 });
});

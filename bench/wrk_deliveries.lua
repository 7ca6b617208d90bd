-- wrk script of bench/service.py: signed GitHub deliveries, each with a fresh X-GitHub-Delivery.
--
--   wrk -t2 -c10 -d5s -s bench/wrk_deliveries.lua URL/webhooks/github -- BODIES RUN_ID
--
-- BODIES is a file of records "<event>\n<sha256=signature>\n<length>\n<body bytes>", written and
-- signed by bench/service.py (the signature covers the body alone, so a body is signed once);
-- the threads take them in turn. RUN_ID (a few hex digits) keeps delivery ids unique across runs.
-- At the end it prints one JSON line: requests, seconds, latency percentiles (microseconds) and
-- errors, for bench/service.py to read.

local records = {}
local run_id = "0"
thread_id = 0  -- a global: setup() sets it in each thread's state
local counter = 0
local next_record = 1

local function load(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  local at = 1
  while at <= #data do
    local event, signature, length, start = data:match("([^\n]*)\n([^\n]*)\n(%d+)\n()", at)
    if not event then break end
    local body = data:sub(start, start + tonumber(length) - 1)
    table.insert(records, {event = event, signature = signature, body = body})
    at = start + tonumber(length)
  end
  assert(#records > 0, "no records in " .. path)
end

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  load(args[1])
  run_id = args[2] or "0"
  next_record = (thread_id * 7) % #records + 1
end

function request()
  local record = records[next_record]
  next_record = next_record % #records + 1
  counter = counter + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = "GitHub-Hookshot/bench",
    ["X-GitHub-Event"] = record.event,
    ["X-GitHub-Delivery"] = string.format("%s-%d-%d", run_id, thread_id, counter),
    ["X-Hub-Signature-256"] = record.signature,
  }, record.body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "p50": %d, "p90": %d, "p99": %d, "max": %d, ' ..
    '"status_errors": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end

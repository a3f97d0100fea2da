-- wrk script for bench/run.py: one ~1 KB alert per request.
--   wrk -t1 -c64 -d10s -s bench/wrk/alerts.lua URL -- CASE FORMAT RUN
-- CASE   spread     a new alert per request, over 1,000 services
--        storm      a new alert per request, every one in service "storm"
--        duplicate  the same body every time
-- FORMAT webhook    an Alertmanager webhook notification (debriefd, nginx)
--        am         Alertmanager's own POST /api/v2/alerts body (a list)
-- RUN    a prefix that keeps fingerprints unique across runs and servers.
-- done() prints one line "BENCH {json}" that run.py reads.

local size = 1024
local counter = 0
local case, format, run = "spread", "webhook", "r"
local now, fixed

local function alert_fields(n)
  local service, instance
  if case == "storm" then
    service = "storm"
  else
    service = "svc-" .. (n % 1000)
  end
  if case == "duplicate" then
    instance = run .. "-dup"
  else
    instance = run .. "-" .. (id or 0) .. "-" .. n
  end
  return service, instance
end

local function body_of(n, pad)
  local service, instance = alert_fields(n)
  local labels = '{"alertname":"HighErrorRate","service":"' .. service .. '","severity":"critical",' ..
      '"instance":"' .. instance .. '","job":"api","namespace":"production","pod":"api-7d4b9c6f5-x2x9q"}'
  local annotations = '{"summary":"Error rate above 5% on ' .. service .. '","description":"' ..
      string.rep("x", pad) .. '","runbook_url":"https://runbooks.example.com/HighErrorRate"}'
  local generator = '"generatorURL":"http://prometheus.example.com:9090/graph?g0.expr=rate%28errors%5B5m%5D%29"'
  if format == "am" then
    return '[{"labels":' .. labels .. ',"annotations":' .. annotations .. ',"startsAt":"' .. now .. '",' ..
        generator .. '}]'
  end
  return '{"version":"4","status":"firing","receiver":"debriefd","groupKey":"{}:{service=\\"' .. service ..
      '\\"}","truncatedAlerts":0,"groupLabels":{"service":"' .. service .. '"},' ..
      '"externalURL":"http://alertmanager.example.com:9093","alerts":[{"status":"firing","labels":' ..
      labels .. ',"annotations":' .. annotations .. ',"startsAt":"' .. now ..
      '","endsAt":"0001-01-01T00:00:00Z",' .. generator .. ',"fingerprint":"' .. instance .. '"}]}'
end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  case = args[1] or case
  format = args[2] or format
  run = args[3] or run
  now = os.date("!%Y-%m-%dT%H:%M:%SZ")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  -- Pad the description so that a body is about `size` bytes.
  local pad = size - #body_of(100000, 0)
  if pad < 0 then pad = 0 end
  size = pad
  if case == "duplicate" then
    fixed = wrk.format(nil, nil, nil, body_of(0, size))
  end
end

function request()
  if fixed then return fixed end
  counter = counter + 1
  return wrk.format(nil, nil, nil, body_of(counter, size))
end

-- BENCH_WRK_CODES=1: print the first few answers that are not 2xx (a diagnosis;
-- a response() callback costs the client time, so measured runs go without).
if os.getenv("BENCH_WRK_CODES") == "1" then
  local shown = 0
  function response(status, headers, body)
    if status >= 300 and shown < 5 then
      shown = shown + 1
      io.write("ANSWER " .. status .. " " .. (body or ""):sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
      'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,' ..
      '"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end

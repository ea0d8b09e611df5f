-- Replays prepared requests, one per line: path <TAB> form body <TAB> X-Twilio-Signature.
-- wrk ... -s wrk_requests.lua URL -- FILE THREADS
-- Thread n of THREADS sends lines n, n + THREADS, n + 2 * THREADS ... in order, so no request is sent
-- twice unless the file runs out; done() says if it did ("wrapped").
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests, sent, wrapped = {}, 0, 0
  local every, n = tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    if n % every == id then
      local path, body, signature = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)")
      requests[#requests + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = signature,
      }, body)
    end
    n = n + 1
  end
end

function request()
  sent = sent + 1
  if sent > #requests then
    wrapped = 1
    sent = 1
  end
  return requests[sent]
end

function done(summary, latency, requests_)
  local wrapped_any = 0
  for _, thread in ipairs(threads) do
    wrapped_any = math.max(wrapped_any, thread:get("wrapped"))
  end
  local e = summary.errors
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %.3f, \"errors\": %d, \"http_errors\": %d, " ..
    "\"p50_ms\": %.2f, \"p99_ms\": %.2f, \"wrapped\": %d}\n",
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, wrapped_any))
end

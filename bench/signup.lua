-- Sign-up POST under load: many volunteers, each signs up for a shift of their own,
-- then cancels it (the cancel's id is read from the sign-up's htmx answer), then
-- signs up again, and so on, so capacity never ends the test and no one overlaps.
--
-- bench/run.py writes one line per volunteer to the file named in BENCH_SIGNUPS:
--   <cookie>\t<csrf token>\t<shift id>
-- Each wrk thread takes every n-th line. Needs report.lua (same directory).
-- Each answer says whose it is: the card carries its shift's id (id="shift-N"), and
-- each shift belongs to one volunteer of the pool. Answers cannot be matched to
-- requests by order: wrk calls request() once more than it sends (to check the
-- script), and with several connections per thread answers come in any order.
package.path = "bench/?.lua;" .. package.path
require "report"

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local pool, n = {}, 0
  local path = os.getenv("BENCH_SIGNUPS")
  for line in io.lines(path) do
    if n % thread_count() == id then
      local cookie, token, shift = line:match("([^\t]+)\t([^\t]+)\t(%d+)")
      table.insert(pool, {cookie = cookie, token = token, shift = shift})
    end
    n = n + 1
  end
  people = pool
  by_shift = {}
  for _, who in ipairs(pool) do by_shift[who.shift] = who end
  nextone = 0
  cancels = {}
  signups, cancelled, refused = 0, 0, 0
  first_refused = nil
end

function thread_count()
  return tonumber(os.getenv("BENCH_THREADS") or "1")
end

local function post(path, who, body)
  local headers = {
    ["Cookie"] = who.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["HX-Request"] = "true",
    ["Connection"] = "close",
  }
  return wrk.format("POST", path, headers, "csrf_token=" .. who.token .. body)
end

function request()
  local c = table.remove(cancels, 1)
  if c then
    return post("/signups/" .. c.id .. "/cancel", c.who, "&from=card")
  end
  nextone = nextone % #people + 1
  local who = people[nextone]
  return post("/shifts/" .. who.shift .. "/signup", who, "")
end

function response(status, headers, body)
  if status >= 400 then
    refused = refused + 1
    if refused == 1 then
      first_refused = status .. " " .. body:gsub("%s+", " "):sub(1, 160)
    end
    return
  end
  local shift = body:match('id="shift%-(%d+)"')
  local id = body:match("/signups/(%d+)/cancel")
  if id and shift and by_shift[shift] then
    -- Signed up (the card offers to cancel): cancel it next.
    signups = signups + 1
    table.insert(cancels, {id = id, who = by_shift[shift]})
  else
    cancelled = cancelled + 1
  end
end

function done(summary, latency, requests)
  local s, c, r = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("signups"); c = c + t:get("cancelled"); r = r + t:get("refused")
  end
  io.write(string.format('SIGNUPS {"signups": %d, "cancels": %d, "refused": %d}\n', s, c, r))
  for _, t in ipairs(threads) do
    local first = t:get("first_refused")
    if first then io.write("REFUSED " .. first .. "\n") end
  end
  report(summary, latency)
end

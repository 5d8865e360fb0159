-- mixed.lua: a mixed mod_social workload for wrk (used by scripts/load).
--
--   wrk -s tests/load/mixed.lua URL -- PAGE BASIC_CREDENTIALS HOST ORIGIN
--
-- PAGE is the page's URL path, BASIC_CREDENTIALS the base64 of
-- "user:password", HOST the Host header, ORIGIN the same-origin value sent
-- with writes. Of every 100 requests about 70 view the page, 15 list its
-- comments, 10 post a comment and 5 like the page. Each thread counts the
-- responses by status; done() prints the totals in lines scripts/load reads:
--   requests/s: N
--   status NNN: N
--   non-2xx/3xx: N
--   5xx: N

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_id", #threads)
end

local function url_escape(s)
   return (s:gsub("[^%w%-%._~/]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

local function json_string(s)
   local escaped = s:gsub('[%c"\\]', function(c)
      if c == '"' then return '\\"' end
      if c == "\\" then return "\\\\" end
      return string.format("\\u%04x", string.byte(c))
   end)
   return '"' .. escaped .. '"'
end

local api = "/_social/api/v1"
local page, list_path, like_path
local view_headers, write_headers, json_headers
thread_id = 0
local sent = 0
statuses = {}

function init(args)
   page = args[1] or "/"
   local credentials = args[2] or ""
   local host = args[3]
   local origin = args[4]
   math.randomseed(os.time() * 100 + thread_id)
   list_path = api .. "/comments?page=" .. url_escape(page)
   like_path = api .. "/like?page=" .. url_escape(page)
   local function base()
      local h = { ["Authorization"] = "Basic " .. credentials }
      if host then h["Host"] = host end
      return h
   end
   view_headers = base()
   write_headers = base()
   if origin then write_headers["Origin"] = origin end
   json_headers = base()
   if origin then json_headers["Origin"] = origin end
   json_headers["Content-Type"] = "application/json"
end

function request()
   sent = sent + 1
   local roll = math.random(1, 100)
   if roll <= 70 then
      return wrk.format("GET", page, view_headers)
   elseif roll <= 85 then
      return wrk.format("GET", list_path, view_headers)
   elseif roll <= 95 then
      local body = "{\"page\":" .. json_string(page) .. ",\"body\":" ..
         json_string(string.format("load comment %d-%d", thread_id, sent)) .. "}"
      return wrk.format("POST", api .. "/comments", json_headers, body)
   else
      return wrk.format("PUT", like_path, write_headers)
   end
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      local counted = thread:get("statuses")
      if counted then
         for status, n in pairs(counted) do
            totals[status] = (totals[status] or 0) + n
         end
      end
   end
   local seconds = summary.duration / 1e6
   io.write(string.format("requests: %d\n", summary.requests))
   io.write(string.format("seconds: %.2f\n", seconds))
   io.write(string.format("requests/s: %.1f\n", seconds > 0 and summary.requests / seconds or 0))
   local keys = {}
   for status in pairs(totals) do table.insert(keys, status) end
   table.sort(keys)
   local bad, server_errors = 0, 0
   for _, status in ipairs(keys) do
      io.write(string.format("status %d: %d\n", status, totals[status]))
      if status < 200 or status >= 400 then bad = bad + totals[status] end
      if status >= 500 then server_errors = server_errors + totals[status] end
   end
   local e = summary.errors
   io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
                          e.connect, e.read, e.write, e.timeout))
   io.write(string.format("non-2xx/3xx: %d\n", bad))
   io.write(string.format("5xx: %d\n", server_errors))
end

-- bench.lua: the scripted cases of scripts/bench for wrk.
--
--   wrk -s tests/load/bench.lua URL -- MODE ORIGIN [ARG...]
--
--   MODE get   ARG... = Basic credentials (base64 of "user:password") the
--              requests take turns with; expects 200
--   MODE post  ARG = PAGE TEXTS_FILE [CREDENTIALS]: POSTs a JSON comment on
--              PAGE, the texts taken in turn from TEXTS_FILE (one a line,
--              already JSON-escaped), as CREDENTIALS (base64 Basic) if
--              given; expects 201
--   MODE like  ARG... = Basic credentials, in turn; PUT; expects 200
--   MODE etag  ARG = an entity tag sent as If-None-Match; expects 304 (the
--              widget's check for new comments while nothing changed)
--
-- Each thread counts the answers by status; done() prints
--   BENCH ok=N other=N statuses=STATUS:N,...

threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end

local function lines_of(path)
    local t = {}
    for line in io.lines(path) do
        if line ~= "" then table.insert(t, line) end
    end
    return t
end

function init(args)
    counter = 0
    ok = 0
    other = 0
    statuses = {}
    mode = args[1]
    if mode ~= "get" then
        wrk.headers["Origin"] = args[2]
    end
    if mode == "etag" then
        ok_status = 304
        wrk.headers["If-None-Match"] = args[3]
        auths = nil
    elseif mode == "post" then
        ok_status = 201
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        page = args[3]
        texts = lines_of(args[4])
        -- optional: the writer's Basic credentials (a site with login)
        if args[5] then wrk.headers["Authorization"] = "Basic " .. args[5] end
    else
        ok_status = 200
        if mode == "like" then wrk.method = "PUT" end
        auths = {}
        for k = 3, #args do table.insert(auths, "Basic " .. args[k]) end
    end
end

function request()
    counter = counter + 1
    if mode == "post" then
        local body = '{"page":"' .. page .. '","body":"' .. texts[(counter % #texts) + 1]
            .. ' (bench ' .. id .. '-' .. counter .. ')"}'
        return wrk.format(nil, nil, nil, body)
    end
    if auths ~= nil then
        wrk.headers["Authorization"] = auths[((counter + id * 3) % #auths) + 1]
    end
    return wrk.format()
end

function response(status, headers, body)
    if status == ok_status then
        ok = ok + 1
    else
        other = other + 1
        statuses[status] = (statuses[status] or 0) + 1
    end
end

function done(summary, latency, requests)
    local o, x, st = 0, 0, {}
    for _, t in ipairs(threads) do
        o = o + t:get("ok")
        x = x + t:get("other")
        for s, n in pairs(t:get("statuses")) do
            st[s] = (st[s] or 0) + n
        end
    end
    local parts = {}
    for s, n in pairs(st) do
        table.insert(parts, s .. ":" .. n)
    end
    io.write(string.format("BENCH ok=%d other=%d statuses=%s\n", o, x, table.concat(parts, ",")))
end

-- bench-peer.lua: the wrk script of scripts/bench-peer (mod_social against
-- Waline on the same machine and database).
--
--   wrk -s tests/load/bench-peer.lua URL -- MODE ARG...
--
--   MODE get-social                  GET; expects 200
--   MODE get-waline                  GET; expects 200 with "errno":0 (Waline
--                                    answers its errors with 200 too)
--   MODE post-social ORIGIN PAGE TAG TEXTS_FILE BASIC...
--                                    POSTs {"page","body"} as a logged-in
--                                    user (Basic credentials in turn);
--                                    expects 201
--   MODE post-waline ORIGIN PATH TAG TEXTS_FILE
--                                    POSTs {"url","comment","nick","mail"}
--                                    as Waline's anonymous commenter (its
--                                    usual mode); expects 200 with "errno":0
--
-- TEXTS_FILE holds JSON-escaped texts, one a line; TAG makes every body of
-- the run unique (Waline refuses a comment it already holds). done()
-- prints BENCH ok=N other=N statuses=STATUS:N,... (STATUSerr: the status
-- expected without errno 0) and the start of a failed answer per thread.

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
    want_errno = (mode == "get-waline" or mode == "post-waline")
    ok_status = (mode == "post-social") and 201 or 200
    if mode == "post-social" or mode == "post-waline" then
        wrk.method = "POST"
        wrk.headers["Origin"] = args[2]
        wrk.headers["Content-Type"] = "application/json"
        page = args[3]
        tag = args[4]
        texts = lines_of(args[5])
        auths = {}
        for k = 6, #args do table.insert(auths, "Basic " .. args[k]) end
    end
end

function request()
    counter = counter + 1
    if mode == "post-social" or mode == "post-waline" then
        local text = texts[(counter % #texts) + 1]
            .. " (" .. tag .. " " .. id .. "-" .. counter .. ")"
        local body
        if mode == "post-social" then
            wrk.headers["Authorization"] = auths[((counter + id * 3) % #auths) + 1]
            body = '{"page":"' .. page .. '","body":"' .. text .. '"}'
        else
            local who = ((counter + id * 3) % 8) + 1
            body = '{"url":"' .. page .. '","comment":"' .. text .. '","nick":"bench' .. who
                .. '","mail":"bench' .. who .. '@example.com","link":"","ua":"wrk"}'
        end
        return wrk.format(nil, nil, nil, body)
    end
    return wrk.format()
end

function response(status, headers, body)
    if status == ok_status and (not want_errno or string.find(body, '"errno":0', 1, true)) then
        ok = ok + 1
    else
        other = other + 1
        local key = status
        if status == ok_status then key = status .. "err" end
        if sample == nil then sample = string.sub(body or "", 1, 200) end
        statuses[key] = (statuses[key] or 0) + 1
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
    for _, t in ipairs(threads) do
        local s = t:get("sample")
        if s ~= nil then io.write("BENCH failed answer: " .. s .. "\n") end
    end
end

-- SPDX-License-Identifier: EUPL-1.2
-- beacon.lua — wrk script for `make bench`: POSTs realistic Lotse beacons to /e
-- the way lotse.js sends them (navigator.sendBeacon: a JSON array as a
-- text/plain string, with Origin and a browser User-Agent). BENCH_BATCH=N
-- (default 1) puts N events in each request. The requests are prepared once
-- per thread in init(), so that wrk spends its time on the wire, not in Lua.
-- done() prints one line "BENCH {json}" with the counts the benchmark checks
-- against the database. It does not read response bodies.

local batch = tonumber(os.getenv("BENCH_BATCH") or "1")
local pool = {}
local next_i = 1

local sites = { "gladbeck", "bottrop", "dorsten", "kreis-re" }
local pages = {
	"/", "/rathaus/", "/rathaus/buergerservice/", "/leben/familie/kita/",
	"/wirtschaft/gewerbe/anmeldung/", "/buergerservice/dienstleistungen/personalausweis/",
	"/buergerservice/dienstleistungen/geburtsurkunde/", "/aktuelles/pressemitteilungen/",
	"/formulare/wohngeld/", "/suche/", "/kontakt/",
}
local services = { "geburtsurkunde", "wohngeld", "gewerbeanmeldung", "anwohnerparken" }
local fields = { "vorname", "nachname", "geburtsdatum", "plz", "iban", "email" }
local errors = { "required", "format", "range" }
local queries = { "personalausweis", "wohngeld antrag", "öffnungszeiten", "kita anmeldung",
	"sperrmüll", "hundesteuer" }
local uas = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
}

local function pick(t) return t[math.random(#t)] end

local function event(site, host)
	local url = "https://" .. host .. pick(pages)
	local r = math.random(100)
	local age = math.random(0, 4000)
	if r <= 50 then
		return string.format('{"site":"%s","type":"pageview","url":"%s","ref":"https://www.google.de/","age":%d}',
			site, url, age)
	elseif r <= 75 then
		return string.format('{"site":"%s","type":"engagement","url":"%s","ms":%d,"age":%d}',
			site, url, math.random(500, 300000), age)
	elseif r <= 85 then
		return string.format('{"site":"%s","type":"flow_step","url":"%s","service":"%s","step":%d,"step_name":"Angaben zur Person","age":%d}',
			site, url, pick(services), math.random(1, 5), age)
	elseif r <= 92 then
		return string.format('{"site":"%s","type":"field_error","url":"%s","service":"%s","step":2,"field":"%s","error":"%s","age":%d}',
			site, url, pick(services), pick(fields), pick(errors), age)
	elseif r <= 97 then
		return string.format('{"site":"%s","type":"search","url":"https://%s/suche/?q=x","q":"%s","results":%d,"age":%d}',
			site, host, pick(queries), math.random(0, 40), age)
	else
		return string.format('{"site":"%s","type":"outlink","url":"%s","href":"https://service.example.de/antrag.pdf","age":%d}',
			site, url, age)
	end
end

function init(args)
	math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
	for i = 1, 64 do
		local site = pick(sites)
		local host = "www." .. site .. ".de"
		local evs = {}
		for j = 1, batch do evs[j] = event(site, host) end
		local body = "[" .. table.concat(evs, ",") .. "]"
		pool[i] = wrk.format("POST", "/e", {
			["Content-Type"] = "text/plain;charset=UTF-8",
			["Origin"] = "https://" .. host,
			["User-Agent"] = pick(uas),
			["Accept-Language"] = "de-DE,de;q=0.9",
		}, body)
	end
end

function request()
	local r = pool[next_i]
	next_i = next_i % #pool + 1
	return r
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'BENCH {"requests":%d,"non2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"batch":%d}\n',
		summary.requests, e.status, e.connect, e.read, e.write, e.timeout, summary.duration,
		latency:percentile(50), latency:percentile(99), batch))
end

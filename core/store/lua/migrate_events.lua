-- Layout 2 -> 3, one batch (store/layout.c, hotlined --migrate): the ledger (hl:ledger),
-- the units' work queues (hl:dept:<code>) and the notices (hl:notices) become the one
-- event stream (hl:events, lib.lua's event), merged in the order of their ids. Each
-- entry keeps its id's time (the ledger's ids carry the daemon's time, so reports over
-- past periods give the same figures); only the sequence part is renumbered where two
-- old streams share a millisecond. An entry is moved and deleted from its old stream in
-- this one step, and an old stream left empty is deleted, so a batch may run again after
-- an interruption and a run on a migrated store moves nothing.
-- What each old entry becomes (core/README.md §4):
--   ledger:        its fields, with `ledger` '1'; a stage's `audience` (who the stage is
--                  addressed to) becomes `stage_audience`, since `audience` now marks a
--                  notice;
--   dept:<code>:   its fields (id, event, note), with `unit` <code>, `queue` '1' and `at`
--                  its id's time (the old queue had no `at`);
--   notices:       its fields as they are (audience, id, event, note, at, from).
-- KEYS: the old streams (any order). ARGV[1] the key prefix, ARGV[2] the most entries to
-- move. Returns the number of entries moved (0: none left).
local P, most = ARGV[1], tonumber(ARGV[2])
local dest = P .. KEY.events
local LEDGER, NOTICES, DEPT = P .. KEY.ledger, P .. KEY.notices, P .. KEY.dept

local function id_parts(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

-- the first `most` entries of each old stream, read once
local heads, pos = {}, {}
for i, key in ipairs(KEYS) do
  heads[i] = redis.call('XRANGE', key, '-', '+', 'COUNT', most)
  pos[i] = 1
end

local function convert(key, e)
  local ms = id_parts(e[1])
  local out, has_at = {}, false
  for i = 1, #e[2], 2 do
    local name, value = e[2][i], e[2][i + 1]
    if key == LEDGER and name == 'audience' then name = 'stage_audience' end
    if name == 'at' then has_at = true end
    out[#out + 1] = name
    out[#out + 1] = value
  end
  local added = {}
  if key == LEDGER then
    added.ledger = '1'
  elseif key ~= NOTICES then
    added.unit, added.queue = string.sub(key, #DEPT + 1), '1'
  end
  if not has_at then added.at = string.format('%d', ms) end
  for name, value in pairs(added) do
    out[#out + 1] = name
    out[#out + 1] = value
  end
  return ms, out
end

local moved = 0
while moved < most do
  local best, best_ms, best_seq
  for i = 1, #KEYS do
    local e = heads[i][pos[i]]
    if e then
      local ms, seq = id_parts(e[1])
      if not best or ms < best_ms or (ms == best_ms and seq < best_seq) then
        best, best_ms, best_seq = i, ms, seq
      end
    end
  end
  if not best then break end
  local key, e = KEYS[best], heads[best][pos[best]]
  pos[best] = pos[best] + 1
  local ms, fields = convert(key, e)
  local added = redis.pcall('XADD', dest, string.format('%d', ms) .. '-*', unpack(fields))
  if type(added) == 'table' and added.err then -- below the new stream's top: take its time
    local top = redis.call('XREVRANGE', dest, '+', '-', 'COUNT', 1)
    redis.call('XADD', dest, string.match(top[1][1], '^(%d+)') .. '-*', unpack(fields))
  end
  redis.call('XDEL', key, e[1])
  moved = moved + 1
end
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 and redis.call('XLEN', key) == 0 then
    redis.call('DEL', key)
  end
end
return moved

-- Creates a ticket in one step (issue 3, core/README.md §3 and §4): the ticket hash with
-- its first timeline entry, its place in the list indexes and, unless it was answered on
-- the call, its way to routing: an entry on the routing stream, or (hand-off, issue 14)
-- a routing lease, its hl:due member at lease_until, while the daemon that took it in
-- routes it itself; it then gets the related open tickets (same phone or address) that
-- route_load would have read, so that routing needs no read. A lease that runs out
-- before route_commit replaced it is put on the routing stream by due_claim.lua. Answers
-- a retry with the same Idempotency-Key with the ticket it created, and rate-limits the
-- public board channel.
-- ARGV[5]  date YYYYMMDD (the id's first part)     ARGV[6]  idempotency key, '' for none
-- ARGV[7]  SHA-256 of the body                      ARGV[8]  idempotency TTL (ms)
-- ARGV[9]  rate key, '' for none                    ARGV[10] rate limit
-- ARGV[11] rate window (ms)                         ARGV[12] initial state
-- ARGV[13] channel   ARGV[14] caller phone ('' for none)
-- ARGV[15] lease_until (ms): hand-off, '' for the routing stream
-- ARGV[16] related since (ms)  ARGV[17] related tickets to return at the most (hand-off)
-- ARGV[18...] field, value pairs to store
-- A tv ticket may name its TV-inquiry programme (field `programme`): it must exist, and
-- the ticket goes on the programme's index of tickets.
-- A direct answer may cite the 政策通 entry it gave (issue 17: field `kb_entry`,
-- "<id>@<version>"): that version must exist; the timeline entry names it.
-- Returns {'created' or 'replayed', id, state, created_ms, citizen_due_ms or '',
--          related ticket 1 (flat fields), ... (hand-off only)} |
--         {'conflict', id} | {'rate_limited', retry_after_ms} | {'no_programme', id} |
--         {'no_kb_entry', kb_entry}
local date, idem, body_hash, idem_ttl = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local rate_key, rate_limit, rate_window = ARGV[9], tonumber(ARGV[10]), ARGV[11]
local state, channel, phone = ARGV[12], ARGV[13], ARGV[14]
local lease_until, since, most = ARGV[15], ARGV[16], tonumber(ARGV[17])
local FIELDS = 18

if idem ~= '' then
  local prior = redis.call('GET', idem)
  if prior then
    local sep = string.find(prior, ' ', 1, true)
    local id = string.sub(prior, 1, sep - 1)
    if string.sub(prior, sep + 1) ~= body_hash then return {'conflict', id} end
    local t = redis.call('HMGET', k_ticket(id), 'state', 'created_ms', 'citizen_due_ms',
      'route_seq')
    -- A ticket still waiting under its routing lease a second after it was taken in lost
    -- its routing (its create's answer never came, so its daemon did not route it): the
    -- retry that finds it makes the lease due, and the next sweep puts it on the routing
    -- stream (due_claim), instead of when the lease runs out. The commit's routing
    -- sequence check keeps it dispatched once should its holder still be at it.
    if t[1] == 'received' and t[4] == '1' and tonumber(t[2] or NOW) <= tonumber(NOW) - 1000
    then
      local lease = redis.call('ZSCORE', P .. KEY.due, id)
      if lease and tonumber(lease) > tonumber(NOW) then
        redis.call('ZADD', P .. KEY.due, 'XX', NOW, id)
      end
    end
    return {'replayed', id, t[1] or '', t[2] or '', t[3] or ''}
  end
end

-- the fields given, by name
local given = {}
for i = FIELDS, #ARGV, 2 do given[ARGV[i]] = ARGV[i + 1] end

local programme = given['programme']
if programme and redis.call('EXISTS', P .. KEY.programme .. programme) == 0 then
  return {'no_programme', programme}
end

local kb_note = ''
if given['kb_entry'] then
  local kb_id, kb_version = string.match(given['kb_entry'], '^([a-z0-9-]+)@(%d+)$')
  if not kb_id or
      redis.call('EXISTS', P .. KEY.kb_version .. kb_id .. ':' .. kb_version) == 0 then
    return {'no_kb_entry', given['kb_entry']}
  end
  kb_note = '依据 政策通 ' .. kb_id .. ' v' .. kb_version
end

if rate_key ~= '' then
  local n = redis.call('INCR', rate_key)
  if n == 1 then redis.call('PEXPIRE', rate_key, rate_window) end
  if n > rate_limit then
    return {'rate_limited', tostring(redis.call('PTTL', rate_key))}
  end
end

-- The day's id (lib.lua's day_id).
local id, tkey = day_id(P .. KEY.seq .. date,
  function(seq) return date .. '-' .. string.format('%06d', seq) end, k_ticket)
if not tkey then
  return redis.error_reply('ERR ticket_create: no free id for ' .. date)
end

local fields = {'id', id, 'state', state, 'created_ms', NOW, 'updated_ms', NOW,
  'created_by', ACTOR, 'created_role', ROLE, 'route_seq', '1'}
for i = FIELDS, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
if state == 'resolved' then
  audit(id, 'answered_on_call', '', state, kb_note)
else
  audit(id, 'create', '', state, '')
end
redis.call('HSET', tkey, unpack(fields))
local out = {'created', id, state, NOW, given['citizen_due_ms'] or ''}
if state ~= 'resolved' and lease_until ~= '' then
  redis.call('ZADD', P .. KEY.due, lease_until, id)
  -- the related open tickets, newest first, read before this one joins the indexes
  local seen = {}
  for _, index in ipairs({phone ~= '' and INDEX.phone .. phone,
                          given['address'] and INDEX.addr .. given['address']}) do
    local ids = index and redis.call('ZRANGE', k_index(index), '+inf', since, 'BYSCORE',
      'REV', 'LIMIT', 0, most) or {}
    for _, rid in ipairs(ids) do
      if not seen[rid] and #out - 5 < most then
        seen[rid] = true
        local related = redis.call('HGETALL', k_ticket(rid))
        if #related > 0 then out[#out + 1] = related end
      end
    end
  end
elseif state ~= 'resolved' then
  redis.call('XADD', P .. KEY.intake, '*', 'id', id, 'seq', '1')
end

redis.call('ZADD', k_index(INDEX.all), NOW, id)
redis.call('ZADD', k_index(INDEX.state .. state), NOW, id)
redis.call('ZADD', k_index(INDEX.channel .. channel), NOW, id)
if phone ~= '' then redis.call('ZADD', k_index(INDEX.phone .. phone), NOW, id) end
local address = given['address']
if address then redis.call('ZADD', k_index(INDEX.addr .. address), NOW, id) end
if programme then redis.call('ZADD', k_index(INDEX.programme_tickets .. programme), NOW, id) end

if idem ~= '' then redis.call('SET', idem, id .. ' ' .. body_hash, 'PX', idem_ttl) end
return out

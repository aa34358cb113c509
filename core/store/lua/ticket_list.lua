-- Lists tickets newest first from one index (the most selective the filters allow),
-- checking the other filters on each ticket, in pages.
-- ARGV[5]  index name (all, phone:<n>, dept:<code>, state:<s>, channel:<c>, overdue
--          (scored by when they went overdue), or due_soon: see below)
-- ARGV[6]  lowest created_ms ('-inf' for none)   ARGV[7] highest ('+inf' for none)
-- ARGV[8]  cursor score, '' on the first page    ARGV[9] cursor id
-- ARGV[10] page size   ARGV[11] most tickets to examine in this call
-- ARGV[12] number of filters n, then n field, value pairs: the ticket's field must equal
-- the value, except for the field 'unit', which the ticket's lead unit (department) or
-- one of its co-handling units (co_units) must be. Every filter is checked on every
-- ticket, the one that chose the index too: an index only narrows the scan.
-- Then the names of the fields to return for each ticket.
-- A cursor (score, id) means: everything newer than score, and the ids >= id at score,
-- has been examined.
-- Returns {next_score or '', next_id or '', {values of ticket 1}, {values of ticket 2}, ...}
local index = k_index(ARGV[5])
local lo, hi = ARGV[6], ARGV[7]
local cur_score, cur_id = ARGV[8], ARGV[9]
local limit, max_scan = tonumber(ARGV[10]), tonumber(ARGV[11])
local nfilters = tonumber(ARGV[12])
local filter_names, filter_values, fetch = {}, {}, {}
for i = 1, nfilters do
  filter_names[i] = ARGV[11 + 2 * i]
  filter_values[i] = ARGV[12 + 2 * i]
  if filter_names[i] == 'unit' then
    fetch[#fetch + 1] = 'department'
    fetch[#fetch + 1] = 'co_units'
  else
    fetch[#fetch + 1] = filter_names[i]
  end
end

-- Does the ticket (its fetched fields, in the order of fetch) pass every filter?
local function passes(have)
  local k = 1
  for j = 1, nfilters do
    local want = filter_values[j]
    if filter_names[j] == 'unit' then
      local lead, co = have[k], have[k + 1] or ''
      k = k + 2
      local found = lead == want
      for c in string.gmatch(co, '[^,]+') do if c == want then found = true end end
      if not found then return false end
    else
      if have[k] ~= want then return false end
      k = k + 1
    end
  end
  return true
end
local names = {}
for i = 13 + 2 * nfilters, #ARGV do names[#names + 1] = ARGV[i] end

-- The supervisors' watch list: tickets with a deadline between lo and hi (index
-- 'due_soon'), soonest first, in one page. There is no index of deadlines (lib.lua): a
-- running clock whose deadline falls by hi has its overdue stage, at the deadline, still
-- to come, so its ticket is in hl:due scored no later than hi; of those (at most
-- max_scan, soonest first) the tickets with a deadline in the window are kept. Members
-- of tickets with no deadline at all (routing leases of tickets being routed, about
-- now + reclaim_idle: ticket_create.lua) are passed over without counting against
-- max_scan, up to LEASES_PASSED of them, so that a busy intake does not hide the list.
local LEASES_PASSED = 8192
if ARGV[5] == 'due_soon' then
  local out, found = {'', ''}, {}
  local low, high = tonumber(lo) or -math.huge, tonumber(hi) or math.huge
  local counted, passed, offset = 0, 0, 0
  while counted < max_scan do
    local page = redis.call('ZRANGE', P .. KEY.due, '-inf', hi, 'BYSCORE', 'LIMIT', offset,
      500)
    if #page == 0 then break end
    offset = offset + #page
    for _, id in ipairs(page) do
      if counted >= max_scan then break end
      local soonest, any = nil, false
      for _, v in ipairs(redis.call('HMGET', k_ticket(id), 'sign_due_ms', 'answer_due_ms',
          'callback_due_ms')) do
        local d = tonumber(v)
        if d then any = true end
        if d and d >= low and d <= high and (not soonest or d < soonest) then soonest = d end
      end
      if any or passed >= LEASES_PASSED then counted = counted + 1
      else passed = passed + 1 end
      if soonest then found[#found + 1] = {soonest, id} end
    end
  end
  table.sort(found, function(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2]) end)
  for _, f in ipairs(found) do
    if #out - 2 >= limit then break end
    if nfilters == 0 or passes(redis.call('HMGET', k_ticket(f[2]), unpack(fetch))) then
      out[#out + 1] = redis.call('HMGET', k_ticket(f[2]), unpack(names))
    end
  end
  return out
end

local top = hi
if cur_score ~= '' and (hi == '+inf' or tonumber(cur_score) < tonumber(hi)) then
  top = cur_score
end
local out = {'', ''}
local found, scanned, offset = 0, 0, 0
local last_score, last_id
while true do
  local batch = redis.call('ZRANGE', index, top, lo, 'BYSCORE', 'REV', 'LIMIT', offset, 100,
    'WITHSCORES')
  if #batch == 0 then return out end
  for i = 1, #batch, 2 do
    local id, score = batch[i], batch[i + 1]
    offset = offset + 1
    if not (cur_score ~= '' and tonumber(score) == tonumber(cur_score) and id >= cur_id) then
      scanned = scanned + 1
      last_score, last_id = score, id
      if nfilters == 0 or passes(redis.call('HMGET', k_ticket(id), unpack(fetch))) then
        found = found + 1
        out[#out + 1] = redis.call('HMGET', k_ticket(id), unpack(names))
      end
      if found == limit or scanned == max_scan then
        out[1], out[2] = last_score, last_id
        return out
      end
    end
  end
end

-- Shared by the supervision scripts (issue 16, core/README.md §4): the build puts it in
-- front of each of them, after lib.lua, whose audit, event, tell_unit, notice, day_id and
-- read_log they use as the ticket scripts do. Programmes, supervised cases and
-- accountability records are hashes; their ids come from lib.lua's day_id.
local function k_programme(id) return P .. KEY.programme .. id end
local function k_case(id) return P .. KEY.case .. id end
local function k_accountability(id) return P .. KEY.accountability .. id end

-- A new record's id: `letter` and the day `date` (YYYYMMDD), its number in `width`
-- digits ("C20261206-0001"), with the key of its hash (key_of).
local function record_id(letter, date, width, key_of)
  return day_id(P .. KEY.seq .. letter .. date,
    function(seq) return letter .. date .. '-' .. string.format('%0' .. width .. 'd', seq) end,
    key_of)
end

-- A comma-separated list as a table ('' is empty).
local function split(text)
  local out = {}
  for item in string.gmatch(text or '', '[^,]+') do out[#out + 1] = item end
  return out
end

-- The unit of the caller's role (dept:<code>), or nil.
local function caller_unit()
  return string.match(ROLE, '^dept:(.+)$')
end

-- The pairs ARGV[i], ARGV[i + 1], ... to the end, appended to `fields`.
local function rest_pairs(i, fields)
  for k = i, #ARGV, 2 do
    fields[#fields + 1] = ARGV[k]
    fields[#fields + 1] = ARGV[k + 1]
  end
  return fields
end

-- The ids of a list (comma-separated) that name no ticket and no case: the first such,
-- or nil.
local function first_missing(ids, tickets_only)
  for _, id in ipairs(split(ids)) do
    local found = redis.call('EXISTS', k_ticket(id)) == 1 or
      (not tickets_only and redis.call('EXISTS', k_case(id)) == 1)
    if not found then return id end
  end
end

-- The 政策通 (policy knowledge base) report of a period (issue 17; GET /v1/reports/kb),
-- from the tickets created in it (the index of all tickets, by creation time):
--   hotline      hotline tickets (the only channel answered on the call)
--   direct       of them answered on the call (直接答复: the ticket has direct_answer)
--   cited        of these the ones citing an entry (kb_entry "<id>@<version>")
--   most cited   the entries cited, by how often (then by id), at most ARGV[9]
--   gaps         tickets that carry the agent's last search (kb_query) and were NOT
--                answered on the call: searched, then dispatched; newest first, at most
--                ARGV[10] listed (the count is of all)
-- and, whatever the period, the entries of kb:ids to review: effective_until before
-- today (expired), or reviewed_at before the review limit (not_reviewed; an entry with no
-- reviewed_at too). Dates are compared as their YYYY-MM-DD text.
-- ARGV[5] from (ms)   ARGV[6] to (ms, inclusive)   ARGV[7] today (YYYY-MM-DD)
-- ARGV[8] review limit (YYYY-MM-DD)   ARGV[9] most cited listed   ARGV[10] gaps listed
-- Returns {hotline, direct, cited, gaps,
--          {id, title, unit, count, ...}                      the most cited
--          {ticket, query, unit, confidential, ...}           the gaps listed
--          {id, title, unit, effective_until, reviewed_at, why, ...}} the entries to review
-- (why: 'expired', 'not_reviewed' or both, comma-separated; a missing value is '').
local from, to, today, review_before = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local top, gaps_max = tonumber(ARGV[9]), tonumber(ARGV[10])
local hotline, direct, cited, ngaps = 0, 0, 0, 0
local counts, entries, gaps = {}, {}, {}

for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', k_index(INDEX.all), to, from)) do
  local t = redis.call('HMGET', k_ticket(id), 'channel', 'kb_entry', 'kb_query',
    'department', 'confidential')
  if t[1] == 'hotline' then hotline = hotline + 1 end
  if redis.call('HEXISTS', k_ticket(id), 'direct_answer') == 1 then
    direct = direct + 1
    local entry = t[2] and string.match(t[2], '^(.+)@%d+$')
    if entry then
      cited = cited + 1
      if not counts[entry] then
        counts[entry] = 0
        entries[#entries + 1] = entry
      end
      counts[entry] = counts[entry] + 1
    end
  elseif t[3] then
    ngaps = ngaps + 1
    if #gaps < 4 * gaps_max then
      for _, v in ipairs({id, t[3], t[4] or '', t[5] or ''}) do gaps[#gaps + 1] = v end
    end
  end
end

table.sort(entries, function(a, b)
  if counts[a] ~= counts[b] then return counts[a] > counts[b] end
  return a < b
end)
local most = {}
for i = 1, math.min(#entries, top) do
  local e = redis.call('HMGET', P .. KEY.kb .. entries[i], 'title', 'unit')
  for _, v in ipairs({entries[i], e[1] or '', e[2] or '', tostring(counts[entries[i]])}) do
    most[#most + 1] = v
  end
end

local review = {}
for _, id in ipairs(redis.call('ZRANGE', P .. KEY.kb_ids, 0, -1)) do
  local e = redis.call('HMGET', P .. KEY.kb .. id, 'title', 'unit', 'effective_until',
    'reviewed_at')
  local until_, reviewed = string.sub(e[3] or '', 1, 10), string.sub(e[4] or '', 1, 10)
  local why = {}
  if until_ ~= '' and until_ < today then why[#why + 1] = 'expired' end
  if reviewed == '' or reviewed < review_before then why[#why + 1] = 'not_reviewed' end
  if #why > 0 then
    for _, v in ipairs({id, e[1] or '', e[2] or '', until_, reviewed,
        table.concat(why, ',')}) do
      review[#review + 1] = v
    end
  end
end

return {tostring(hotline), tostring(direct), tostring(cited), tostring(ngaps), most, gaps,
  review}

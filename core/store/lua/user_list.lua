-- GET /v1/users (people/users.c): every account, by login, without its password hash.
-- ARGV[1] prefix. Returns a list of {login, display_name, role, disabled, must_change,
-- created_at}.
local P = ARGV[1]
local logins = redis.call('SMEMBERS', P .. KEY.users)
table.sort(logins)
local out = {}
for _, login in ipairs(logins) do
  local a = redis.call('HMGET', P .. KEY.user .. login, 'display_name', 'role', 'disabled',
                       'must_change', 'created_at')
  if a[2] then
    out[#out + 1] = {login, a[1] or '', a[2], a[3] or '0', a[4] or '0', a[5] or '0'}
  end
end
return out

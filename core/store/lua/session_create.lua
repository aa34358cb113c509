-- A successful login (people/sessions.c): the session, under the SHA-256 of its id,
-- with the idle expiry as its time to live and the absolute one as ends_ms; listed in
-- the account's set of sessions (whose members of sessions gone are dropped here). A
-- new password hash (libsodium asked for a rehash) replaces the stored one (the attempt's
-- count is login_ok.lua's to take back). ARGV[1] prefix, [2] now, [3] actor, [4] role, [5] login,
-- [6] session hash, [7] csrf token, [8] idle (ms), [9] lifetime (ms), [10] the rehash or
-- '', [11] the hash the password was checked against. Returns {'ok', display_name, role,
-- must_change}, or {'gone'} when the account was disabled, removed or given another
-- password while the password was checked (no session made: a reset must stop a login
-- with the old password that was under way, and its rehash must not undo the reset).
local P, NOW, login, sid = ARGV[1], tonumber(ARGV[2]), ARGV[5], ARGV[6]
local k_user, k_sessions = P .. KEY.user .. login, P .. KEY.user_sessions .. login
local a = redis.call('HMGET', k_user, 'display_name', 'role', 'disabled', 'must_change',
                     'hash')
if not a[2] or a[3] == '1' or a[5] ~= ARGV[11] then return {'gone'} end

for _, old in ipairs(redis.call('SMEMBERS', k_sessions)) do
  if redis.call('EXISTS', P .. KEY.session .. old) == 0 then
    redis.call('SREM', k_sessions, old)
  end
end
local k_session = P .. KEY.session .. sid
redis.call('HSET', k_session, 'login', login, 'csrf', ARGV[7], 'created_ms', ARGV[2],
           'ends_ms', tostring(NOW + tonumber(ARGV[9])))
redis.call('PEXPIRE', k_session, ARGV[8])
redis.call('SADD', k_sessions, sid)
if ARGV[10] ~= '' then redis.call('HSET', k_user, 'hash', ARGV[10]) end
return {'ok', a[1] or '', a[2], a[4] or '0'}

-- Every change to a person's account (people/users.c, people/sessions.c), recorded on
-- the stream user-log with who made it (ARGV[3] actor, [4] the actor's role). ARGV[1]
-- prefix, [2] now, [5] the action, [6] the login, then the action's own:
--   create           [7] display_name [8] role [9] password hash [10] must_change (0|1)
--   disable, enable  -
--   password         [7] password hash [8] must_change (0|1) [9] a session hash to keep
--                    ('' none: an admin's reset ends every session) [10] (a person's own
--                    change) the hash their old password was checked against
-- Disabling and a new password end the account's sessions (but the one kept). Returns
-- 'ok', or 'exists' (create) or 'unknown' (the others), or 'changed' (a person's own
-- change, when the hash is no longer the one checked: an admin's reset came between),
-- without writing anything.
local P, NOW, ACTOR, ROLE = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local action, login = ARGV[5], ARGV[6]
local k_user, k_sessions = P .. KEY.user .. login, P .. KEY.user_sessions .. login

local function end_sessions(keep)
  for _, sid in ipairs(redis.call('SMEMBERS', k_sessions)) do
    if sid ~= keep then
      redis.call('DEL', P .. KEY.session .. sid)
      redis.call('SREM', k_sessions, sid)
    end
  end
end

local exists = redis.call('EXISTS', k_user) == 1
local logged = {'at', NOW, 'actor', ACTOR, 'role', ROLE, 'action', action, 'login', login}
if action == 'create' then
  if exists then return 'exists' end
  redis.call('HSET', k_user, 'login', login, 'display_name', ARGV[7], 'role', ARGV[8],
             'hash', ARGV[9], 'disabled', '0', 'must_change', ARGV[10], 'created_at', NOW,
             'created_by', ACTOR, 'updated_at', NOW, 'updated_by', ACTOR)
  redis.call('SADD', P .. KEY.users, login)
  logged[#logged + 1] = 'new_role'
  logged[#logged + 1] = ARGV[8]
elseif not exists then
  return 'unknown'
elseif action == 'disable' or action == 'enable' then
  redis.call('HSET', k_user, 'disabled', action == 'disable' and '1' or '0',
             'updated_at', NOW, 'updated_by', ACTOR)
  if action == 'disable' then end_sessions('') end
elseif action == 'password' then
  if (ARGV[10] or '') ~= '' and redis.call('HGET', k_user, 'hash') ~= ARGV[10] then
    return 'changed'
  end
  redis.call('HSET', k_user, 'hash', ARGV[7], 'must_change', ARGV[8], 'updated_at', NOW,
             'updated_by', ACTOR)
  end_sessions(ARGV[9])
else
  error('user_write: unknown action ' .. tostring(action))
end
redis.call('XADD', P .. KEY.user_log, 'MAXLEN', '~', '100000', '*', unpack(logged))
return 'ok'

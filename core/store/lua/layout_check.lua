-- Which layout this store has (store/layout.h), asked at each connect before the daemon
-- uses the store: hotlined works only on its own layout (core/README.md §4).
-- KEYS[1] the layout key; KEYS[2..] keys that only a store with data has (a store of
-- layout 1, made before the layout was recorded, has them but no layout key).
-- ARGV[1] the layout this hotlined writes.
-- An empty store, or a layout-1 store when this hotlined writes layout 1, gets ARGV[1].
-- Returns the layout found (as text), which the caller compares with its own.
local found = redis.call('GET', KEYS[1])
if found then return found end
found = ARGV[1]
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then found = '1' break end
end
if found == ARGV[1] then redis.call('SET', KEYS[1], found) end
return found

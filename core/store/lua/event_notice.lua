-- A plugin's notice (host->notify) on the event stream hl:events, as lib.lua's notice
-- writes those of the scripts: so that its id carries the daemon's time too. Run with
-- lib.lua in front; ARGV[3] (the actor) is the plugin.
-- ARGV[5] audience (supervisors, dispatchers, unit:<code>, ...)  ARGV[6] ticket id
-- ARGV[7] the text.
notice(ARGV[5], ARGV[6], 'notice', ARGV[7], ACTOR)
return 1

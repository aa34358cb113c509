// Live events: one EventSource on /v1/events/live for the whole console (the server
// filters by the reader's rights; EventSource resumes with Last-Event-ID itself).
// subscribe(f, onStatus) calls f({stream_id, event, id, unit, at, note}) for each entry
// (and {event: 'reset'} when the server had too much to replay: reload the lists);
// onStatus hears 'open' / 'error'. `event: logout` (the session ended) leads to the login
// page. The source closes when the last subscriber leaves.
import { sessionEnded } from './api.js';

const EVENTS = ['dispatched', 'accepted', 'signed', 'returned', 'return_requested', 'return_approved',
  'return_rejected', 'extension_requested', 'extension_approved', 'extension_rejected', 'extended',
  'answered', 'resolved', 'callback', 'closed', 'reopened', 'merged', 'co_handle', 'pending_manual',
  'warning', 'overdue', 'reminder', 'escalation1', 'escalation2', 'escalation3', 'escalation4', 'notice', 'message',
  'delivery_failed', 'reset'];

let source = null;
const subscribers = new Set();
const watchers = new Set();

function open() {
  source = new EventSource('/v1/events/live', { withCredentials: true });
  const deliver = (e) => {
    let data = {};
    try { data = JSON.parse(e.data || '{}'); } catch { data = {}; }
    const msg = { stream_id: e.lastEventId, event: e.type === 'message' ? data.event : e.type, ...data };
    subscribers.forEach((f) => f(msg));
  };
  EVENTS.forEach((name) => source.addEventListener(name, deliver));
  source.addEventListener('logout', () => { source.close(); source = null; sessionEnded(); });
  source.onopen = () => watchers.forEach((f) => f('open'));
  source.onerror = () => watchers.forEach((f) => f('error'));
}

export function subscribe(f, onStatus) {
  subscribers.add(f);
  if (onStatus) watchers.add(onStatus);
  if (!source) open();
  else if (onStatus) onStatus(source.readyState === 1 ? 'open' : 'error');
  return () => {
    subscribers.delete(f);
    if (onStatus) watchers.delete(onStatus);
    if (!subscribers.size && source) { source.close(); source = null; }
  };
}
